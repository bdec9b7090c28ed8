import { createReadStream, existsSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { CHROMIUM, countWorkerAnswers, launchChromium, workerAnswers } from "@uploadkit/testkit";
import { build } from "esbuild";
import { machineBusySeconds } from "./machine-cpu.js";
import { writeSampleFile } from "./sample-file.js";
import { type Spread, spread } from "./stats.js";
import { partDigests, prepareSink, startNullSink } from "./targets/targets.js";

const MiB = 1024 * 1024;

export interface BrowserOptions {
  sizeMiB: number;
  partMiB: number;
  concurrency: number;
  runs: number;
}

/** The browser section: one File in Chromium, uploadkit against a plain loop of fetch PUTs, to the null sink. */
export interface BrowserResult extends BrowserOptions {
  browser: string;
  uploadkit: ContestantFigures;
  uploadkitNoChecksum: ContestantFigures;
  plain: ContestantFigures;
  /** uploadkit ÷ plain loop, medians of MiB/s. */
  ratio: number;
  /**
   * The machine's busy CPU seconds (every process, /proc/stat; Linux only) per run, medians: the plain loop's upload
   * and the File's parts read into the page with nothing sent (what any hashing of them must at least read).
   */
  machineCpu?: { plain: number; readParts: number; cores: number };
  /** What the page's hashing Web Worker answered over every run: digests, and refusals (then the page hashed). */
  worker?: { digests: number; refusals: number };
}

/** A contestant's runs: MiB/s, the longest main-thread task, and the machine's busy CPU seconds (Linux). */
interface ContestantFigures {
  mibPerSecond: Spread;
  longestTaskMs: Spread;
  machineCpuSeconds?: number | undefined;
}

interface PageRun {
  ms: number;
  longestTaskMs: number;
  machineCpuSeconds?: number | undefined;
}

/**
 * Serves the page on one origin (its bundle, and the file for it to take as a File) and receives the parts on
 * another (the bench's null sink, which answers each part's ETag from the MD5 computed here before the timer), then
 * times in headless Chromium `runs` uploads by each contestant, alternating. Undefined when there is no Chromium.
 */
export async function measureBrowser(scratch: string, options: BrowserOptions): Promise<BrowserResult | undefined> {
  if (!existsSync(CHROMIUM)) return undefined;
  const size = options.sizeMiB * MiB;
  const partSize = options.partMiB * MiB;
  const file = writeSampleFile(join(scratch, "browser.bin"), size);
  const digests = await partDigests(file, size, partSize);
  const { urls } = prepareSink("", digests.parts, digests.md5);
  const bundle = await build({
    entryPoints: [fileURLToPath(new URL("../page/bench-page.js", import.meta.url))],
    bundle: true,
    platform: "browser",
    format: "esm",
    write: false,
    logLevel: "error",
  });
  const script = bundle.outputFiles[0]?.text ?? "";
  const page = await listen((req, res) => {
    if (req.url === "/bench.js") return void res.writeHead(200, { "content-type": "text/javascript" }).end(script);
    if (req.url === "/file.bin") {
      res.writeHead(200, { "content-type": "application/octet-stream", "content-length": String(size) });
      return void createReadStream(file).pipe(res);
    }
    res.writeHead(200, { "content-type": "text/html" }).end('<!doctype html><script type="module" src="/bench.js"></script>');
  });
  const sink = await startNullSink();
  const browser = await launchChromium();
  try {
    const tab = await browser.newPage();
    // Every Web Worker's answers are counted, so the figures say whether the MD5s came from the worker's lanes.
    await countWorkerAnswers(tab);
    await tab.goto(`http://127.0.0.1:${port(page)}/`);
    await tab.waitForFunction(() => "bench" in globalThis);
    await tab.evaluate(({ url }) => (globalThis as unknown as BenchPage).bench.load(url, "browser.bin"), {
      url: `http://127.0.0.1:${port(page)}/file.bin`,
    });
    // The sink listens on another port, so another origin: every part is a cross-origin request, preflight included.
    const partUrls = urls.partUrls.map((url) => `${sink.endpoint}${url}`);
    const runs: Record<Contestant | "readParts", PageRun[]> = {
      uploadkit: [],
      uploadkitNoChecksum: [],
      plain: [],
      readParts: [],
    };
    for (let run = 0; run < options.runs; run++) {
      for (const contestant of ["plain", "uploadkit", "uploadkitNoChecksum", "readParts"] as const) {
        const before = machineBusySeconds();
        const timed = await tab.evaluate(
          ({ name, targets, bytes, lanes }) => (globalThis as unknown as BenchPage).bench[name](targets, bytes, lanes),
          { name: contestant, targets: partUrls, bytes: partSize, lanes: options.concurrency },
        );
        const after = machineBusySeconds();
        runs[contestant].push({
          ...timed,
          machineCpuSeconds: before !== undefined && after !== undefined ? after - before : undefined,
        });
      }
    }
    const busy = (list: PageRun[]) =>
      list.every((r) => r.machineCpuSeconds !== undefined)
        ? spread(list.map((r) => r.machineCpuSeconds as number)).median
        : undefined;
    const [plainCpu, readCpu] = [busy(runs.plain), busy(runs.readParts)];
    const summary = (list: PageRun[]) => ({
      mibPerSecond: spread(list.map((r) => options.sizeMiB / (r.ms / 1000))),
      longestTaskMs: spread(list.map((r) => r.longestTaskMs)),
      machineCpuSeconds: busy(list),
    });
    const uploadkit = summary(runs.uploadkit);
    const plain = summary(runs.plain);
    const answers = await workerAnswers(tab);
    const worker = { digests: answers.digests, refusals: answers.errors.length };
    return {
      worker,
      ...options,
      browser: `Chromium ${browser.version()}`,
      uploadkit,
      uploadkitNoChecksum: summary(runs.uploadkitNoChecksum),
      plain,
      ratio: uploadkit.mibPerSecond.median / plain.mibPerSecond.median,
      ...(plainCpu !== undefined && readCpu !== undefined
        ? { machineCpu: { plain: plainCpu, readParts: readCpu, cores: availableParallelism() } }
        : {}),
    };
  } finally {
    await browser.close();
    sink.stop();
    await new Promise((resolve) => page.close(resolve));
  }
}

type Contestant = "uploadkit" | "uploadkitNoChecksum" | "plain";

interface BenchPage {
  bench: { load(url: string, name: string): Promise<number> } & Record<
    Contestant | "readParts",
    (urls: string[], partSize: number, concurrency: number) => Promise<PageRun>
  >;
}

function listen(handler: Parameters<typeof createServer>[1]): Promise<Server> {
  return new Promise((resolve) => {
    const server = createServer(handler);
    server.listen(0, "127.0.0.1", () => resolve(server));
  });
}

const port = (server: Server) => (server.address() as AddressInfo).port;

/** The browser rows as a markdown table, against the targets of the browser benchmark. */
export function browserMarkdown(result: BrowserResult): string {
  const row = (name: string, r: ContestantFigures) =>
    `| ${name} | ${r.mibPerSecond.median.toFixed(1)} (${r.mibPerSecond.min.toFixed(1)}–${r.mibPerSecond.max.toFixed(1)}) | ${r.longestTaskMs.max.toFixed(0)} | ${r.machineCpuSeconds?.toFixed(2) ?? "–"} |`;
  return [
    `${result.browser}: a ${result.sizeMiB} MiB File in ${result.partMiB} MiB parts, ${result.concurrency} at once, to a store on another origin (median of ${result.runs}, min–max)`,
    "",
    "| contestant | MiB/s | longest main-thread task, ms | machine CPU s (every process) |",
    "|---|---|---|---|",
    row("uploadkit (MD5 in its Web Worker, checked against each ETag)", result.uploadkit),
    row("uploadkit, no checksum", result.uploadkitNoChecksum),
    row("plain fetch loop (no check)", result.plain),
    "",
    `uploadkit ÷ plain loop: ${result.ratio.toFixed(2)}× (target ≥ 0.9×); longest main-thread task during uploadkit's uploads ${result.uploadkit.longestTaskMs.max.toFixed(0)} ms (target ≤ 50 ms)`,
    ...(result.worker
      ? [
          `MD5s from the Web Worker's lanes: ${result.worker.digests}; refused by the worker and hashed on the page's thread: ${result.worker.refusals}${result.worker.refusals > 0 ? " (so the uploadkit row is not the worker's figure)" : ""}.`,
        ]
      : []),
    ...(result.machineCpu
      ? [
          `The machine's CPU per run (every process): the plain loop ${result.machineCpu.plain.toFixed(2)} s; the File's parts read into the page once, nothing sent, ${result.machineCpu.readParts.toFixed(2)} s.`,
        ]
      : []),
  ].join("\n");
}

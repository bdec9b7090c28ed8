#!/usr/bin/env node
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, freemem, tmpdir, totalmem } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs, promisify } from "node:util";
import { planParts, S3_PART_RULES } from "@uploadkit/multipart";
import { type BrowserOptions, type BrowserResult, browserMarkdown, measureBrowser } from "./browser-bench.js";
import { type BulkOptions, type BulkResult, bulkMarkdown, measureBulk } from "./bulk.js";
import { type FleetOptions, fleetMarkdown, measureFleet } from "./fleet.js";
import { CONTESTANTS, type ContestantName, type Job, type Measurement } from "./job.js";
import { measureJournalOpen } from "./journal-open.js";
import { type LatencyRow, latencyMarkdown, measureLatency } from "./latency.js";
import { type ManyFilesResult, manyFilesMarkdown, measureManyFiles } from "./many-files.js";
import { md5KernelSecondsPerGiB } from "./md5-kernel.js";
import { regenerationCost } from "./regeneration-cost.js";
import { describeSize, markdown, type Row, svgChart } from "./report.js";
import { checksMarkdown, runChecks } from "./run-summary.js";
import { writeSampleFile } from "./sample-file.js";
import { speedTargets } from "./speed-targets.js";
import { spread } from "./stats.js";
import {
  partDigests,
  prepareEngine,
  prepareS3,
  prepareSink,
  startEngine,
  startNullSink,
  TARGET_NAMES,
  type TargetName,
} from "./targets/targets.js";

const MiB = 1024 * 1024;
const { values } = parseArgs({
  options: {
    sizes: { type: "string" },
    runs: { type: "string" },
    concurrency: { type: "string" },
    "part-size": { type: "string" },
    targets: { type: "string" },
    out: { type: "string" },
    quick: { type: "boolean" },
    "no-record360-shape": { type: "boolean" },
    "no-regeneration": { type: "boolean" },
    latency: { type: "string" },
    record: { type: "boolean" },
    bulk: { type: "string" },
    "bulk-only": { type: "boolean" },
    fleet: { type: "string" },
    "fleet-workers": { type: "string" },
    "fleet-only": { type: "boolean" },
    "bulk-kib": { type: "string" },
    "bulk-rate": { type: "string" },
    "bulk-latency": { type: "string" },
    browser: { type: "string" },
    "browser-only": { type: "boolean" },
    help: { type: "boolean", short: "h" },
  },
});
if (values.help) {
  console.log(`pnpm bench [--quick] [--sizes 64,256,1024 (MiB)] [--runs 3] [--concurrency 4] [--part-size 8 (MiB)]
           [--targets null-sink,s3-store,rgw (rgw: a local Ceph, or the engine in UPLOADKIT_S3_*)] [--no-record360-shape] [--no-regeneration] [--latency 100 (ms; 0 = skip)]
           [--out <dir>] [--record (write the committed reference results/ instead of .results/)]
           [--bulk 2000 (files; 0 = skip) --bulk-kib 64-512 --bulk-rate 80 (calls/s the API allows) --bulk-latency 50 (ms)]
           [--bulk-only (the bulk section alone)]
           [--fleet 4000 (files; 0 = skip) --fleet-workers 4 (CLI processes on one Redis journal; also run alone)]
           [--fleet-only (the fleet section alone; it uses --bulk-rate and --bulk-latency)]
           [--browser 256 (MiB uploaded from a File in Chromium; 0 = skip) --browser-only (that section alone)]`);
  process.exit(0);
}
const quick = values.quick === true;
const sizes = (values.sizes ?? (quick ? "16" : "64,256,1024")).split(",").map((s) => Math.round(Number(s) * MiB));
const runs = Number(values.runs ?? (quick ? 1 : 3));
const concurrency = Number(values.concurrency ?? 4);
const partSize = Math.round(Number(values["part-size"] ?? 8) * MiB);
const targets = (values.targets ?? "null-sink,s3-store").split(",") as TargetName[];
const unknownTarget = targets.find((target) => !TARGET_NAMES.includes(target));
if (unknownTarget) {
  console.error(`Unknown target ${unknownTarget}; choose from ${TARGET_NAMES.join(", ")}`);
  process.exit(2);
}
// Results go to an ignored folder, so a run leaves `git status` clean; --record refreshes the committed reference.
const out = resolve(values.out ?? fileURLToPath(new URL(values.record ? "../results/" : "../.results/", import.meta.url)));
const shapes = sizes.map((size) => ({
  name: describeSize(size),
  size,
  partCount: planParts(size, { ...S3_PART_RULES, partSize }).length,
}));
if (!quick && !values["no-record360-shape"])
  shapes.push({ name: "2 GiB / 20 parts (Record360)", size: 2048 * MiB, partCount: 20 });

const scratch = mkdtempSync(join(tmpdir(), "uploadkit-bench-"));
const [bulkMinKiB, bulkMaxKiB] = (values["bulk-kib"] ?? "64-512").split("-").map(Number) as [number, number];
const bulkOptions: BulkOptions = {
  files: Number(values.bulk ?? (quick ? 30 : 2000)),
  minKiB: bulkMinKiB,
  maxKiB: bulkMaxKiB ?? bulkMinKiB,
  latencyMs: Number(values["bulk-latency"] ?? 50),
  callsPerSecond: Number(values["bulk-rate"] ?? 80),
};
const fleetOptions: FleetOptions = {
  files: Number(values.fleet ?? (quick ? 40 : 4000)),
  workers: Number(values["fleet-workers"] ?? (quick ? 2 : 4)),
  latencyMs: bulkOptions.latencyMs,
  callsPerSecond: bulkOptions.callsPerSecond,
};
const browserOptions: BrowserOptions = {
  sizeMiB: Number(values.browser ?? (quick ? 16 : 256)),
  partMiB: Number(values["part-size"] ?? 8),
  concurrency: Number(values.concurrency ?? 4),
  runs: Number(values.runs ?? (quick ? 1 : 3)),
};
if (values["browser-only"]) {
  try {
    const result = await measureBrowser(scratch, browserOptions);
    console.log(result ? `Browser:\n\n${browserMarkdown(result)}` : "Browser: no Chromium here (UPLOADKIT_CHROMIUM); skipped.");
    if (result) {
      const hashing = { kernelSecondsPerGiB: md5KernelSecondsPerGiB(), cores: cpus().length };
      console.log(
        `\n${checksMarkdown(runChecks([], result, undefined, undefined, hashing), `Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? "cpu"}`)}`,
      );
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  process.exit();
}
if (values["fleet-only"]) {
  try {
    const fleet = await measureFleet(scratch, fleetOptions);
    console.log(`Fleet (uploadkit upload <folder> --journal redis://…, one account):\n\n${fleetMarkdown(fleet)}`);
    process.exitCode = fleet.runs.every((run) => run.exitCodes.every((code) => code === 0)) ? 0 : 1;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  process.exit();
}
if (values["bulk-only"]) {
  try {
    const open = await measureJournalOpen(scratch, 100_000);
    console.log(
      `Journal: ${open.entries} finished files (${open.mib.toFixed(0)} MiB of lines) open in ${open.ms.toFixed(0)} ms (target: well under 1 s)\n`,
    );
    const result = await measureBulk(scratch, bulkOptions);
    console.log(`Bulk (uploadkit upload <folder> --journal, shared rate limit):\n\n${bulkMarkdown(result)}`);
    process.exitCode = result.exitCode === 0 ? 0 : 1;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  process.exit();
}
const runner = fileURLToPath(new URL("./contestants/run-contestant.js", import.meta.url));

const writeFile = (size: number) => writeSampleFile(join(scratch, `${size}.bin`), size);

async function measure(job: Job): Promise<Measurement> {
  const { stdout } = await promisify(execFile)(process.execPath, [runner, JSON.stringify(job)], { maxBuffer: 1024 * 1024 });
  return JSON.parse(stdout.trim().split("\n").at(-1) as string) as Measurement;
}

console.log(
  `uploadkit bench — Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, ${Math.round(totalmem() / 1024 ** 3)} GiB RAM (${Math.round(freemem() / 1024 ** 3)} free)`,
);
console.log(`concurrency ${concurrency}, part size ${partSize / MiB} MiB, ${runs} run(s) each, targets ${targets.join(", ")}\n`);
const sink = targets.includes("null-sink") ? await startNullSink() : undefined;
const engine = targets.includes("rgw") ? await startEngine(Math.max(...shapes.map((s) => s.size))) : undefined;
if (engine) console.log(`rgw target: ${engine.ceph ? "a local Ceph (radosgw) at " : ""}${engine.config.endpoint}\n`);
const rows: Row[] = [];
try {
  for (const shape of shapes) {
    const file = writeFile(shape.size);
    const shapePartSize = Math.ceil(shape.size / shape.partCount);
    const digests = targets.includes("null-sink") ? await partDigests(file, shape.size, shapePartSize) : undefined;
    for (const target of targets) {
      for (const contestant of CONTESTANTS) {
        const results: Measurement[] = [];
        const sinkCpu: number[] = [];
        for (let run = 0; run < runs; run++) {
          const prepared =
            target === "null-sink"
              ? prepareSink(sink?.endpoint as string, digests?.parts ?? [], digests?.md5 ?? "")
              : target === "rgw" && engine
                ? await prepareEngine(engine, shape.partCount)
                : await prepareS3(shape.partCount);
          try {
            const sinkBefore = target === "null-sink" ? await sink?.cpuSeconds() : undefined;
            results.push(
              await measure({ contestant, file, size: shape.size, partSize: shapePartSize, concurrency, ...prepared.urls }),
            );
            if (sinkBefore !== undefined && sink) sinkCpu.push((await sink.cpuSeconds()) - sinkBefore);
          } finally {
            await prepared.dispose();
          }
        }
        const row: Row = {
          target,
          shape: shape.name,
          sizeBytes: shape.size,
          parts: contestant === "raw-single-put" ? 1 : shape.partCount,
          contestant: contestant as ContestantName,
          seconds: spread(results.map((r) => r.seconds)),
          mibPerSecond: spread(results.map((r) => shape.size / MiB / r.seconds)),
          peakRssMiB: spread(results.map((r) => r.peakRssBytes / MiB)),
          cpuSeconds: spread(results.map((r) => r.cpuSeconds)),
          ...(results.every((r) => r.uploadCpuSeconds !== undefined)
            ? { uploadCpuSeconds: spread(results.map((r) => r.uploadCpuSeconds as number)) }
            : {}),
          ...(sinkCpu.length > 0 ? { sinkCpuSeconds: spread(sinkCpu) } : {}),
        };
        rows.push(row);
        console.log(
          `${target} ${shape.name} ${contestant}: ${row.mibPerSecond.median.toFixed(1)} MiB/s, peak RSS ${row.peakRssMiB.median.toFixed(1)} MiB`,
        );
      }
    }
    rmSync(file, { force: true });
  }
} finally {
  sink?.stop();
  await engine?.stop();
}
const latencyMs = Number(values.latency ?? (quick ? 0 : 100));
let latency: LatencyRow[] | undefined;
let manyFiles: ManyFilesResult | undefined;
let bulk: BulkResult | undefined;
let fleet: Awaited<ReturnType<typeof measureFleet>> | undefined;
let browser: BrowserResult | undefined;
const latencyRuns = Math.max(runs, 5);
try {
  latency = latencyMs > 0 ? await measureLatency(scratch, 256, latencyMs, latencyRuns) : undefined;
  manyFiles = latencyMs > 0 ? await measureManyFiles(scratch, 200, latencyMs) : undefined;
  bulk = bulkOptions.files > 0 ? await measureBulk(scratch, bulkOptions) : undefined;
  fleet = fleetOptions.files > 0 ? await measureFleet(scratch, fleetOptions) : undefined;
  browser = browserOptions.sizeMiB > 0 ? await measureBrowser(scratch, browserOptions) : undefined;
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

const regeneration = quick || values["no-regeneration"] ? undefined : regenerationCost();
const table = markdown(rows, runs);
console.log(table);
if (browser) console.log(`\nBrowser:\n\n${browserMarkdown(browser)}`);
else if (browserOptions.sizeMiB > 0) console.log("\nBrowser: no Chromium here (UPLOADKIT_CHROMIUM); skipped.");
if (manyFiles) console.log(`\nMany files:\n\n${manyFilesMarkdown(manyFiles)}`);
if (bulk) console.log(`\nBulk (uploadkit upload <folder> --journal, shared rate limit):\n\n${bulkMarkdown(bulk)}`);
if (fleet) console.log(`\nFleet (uploadkit upload <folder> --journal redis://…, one account):\n\n${fleetMarkdown(fleet)}`);
if (latency) {
  console.log(
    `\nAPI latency: each provider's uploadMedia with every API answer delayed ${latencyMs} ms\n\n${latencyMarkdown(latency, latencyMs, latencyRuns)}`,
  );
}
if (regeneration) {
  console.log(
    `\nRegeneration: pnpm generate for all specs takes ${regeneration.coldSeconds.toFixed(2)} s cold, ${regeneration.warmSeconds.toFixed(2)} s with turbo's cache warm.`,
  );
}
mkdirSync(out, { recursive: true });
const machine = {
  node: process.version,
  cpus: cpus().length,
  cpuModel: cpus()[0]?.model,
  totalMemoryGiB: Math.round(totalmem() / 1024 ** 3),
};
const hashing =
  browser || rows.some((row) => row.target === "null-sink")
    ? { kernelSecondsPerGiB: md5KernelSecondsPerGiB(), cores: cpus().length }
    : undefined;
const checks = runChecks(rows, browser, bulk, fleet?.runs, hashing);
writeFileSync(
  join(out, "latest.json"),
  `${JSON.stringify({ date: new Date().toISOString(), machine, concurrency, partSize, runs, rows, latency, manyFiles, bulk, fleet, browser, checks, regeneration }, null, 2)}\n`,
);
writeFileSync(join(out, "latest.svg"), svgChart(rows, checks));
console.log(
  `\n${checksMarkdown(checks, `Node ${machine.node}, ${machine.cpus} × ${machine.cpuModel ?? "cpu"}, ${machine.totalMemoryGiB} GiB`)}`,
);
const againstTargets = speedTargets(rows, latency, manyFiles);
if (againstTargets) console.log(`\nAgainst the speed targets:\n${againstTargets}`);
console.log(`\nwrote ${join(out, "latest.json")} and latest.svg`);

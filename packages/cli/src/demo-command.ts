import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { basename } from "node:path";
import type { UploadProgress } from "@uploadkit/multipart";
import { EXIT_FAILED, EXIT_OK, UsageError } from "./exit-codes.js";
import { formatError } from "./format-error.js";
import { adapterFor, PROVIDERS } from "./provider-adapters.js";
import { plainReporter } from "./reporters/plain-reporter.js";
import { formatMiB, MiB } from "./reporters/reporter.js";
import { ttyReporter } from "./reporters/tty-reporter.js";
import { createSampleMedia } from "./sample-media.js";

interface Row {
  provider: string;
  file: string;
  size: number;
  parts: number;
  seconds: number;
  verified: boolean;
  error?: string;
}

/**
 * `uploadkit demo`: starts the sandbox, makes a real PNG and a 48 MiB MP4-typed file, uploads both through all
 * four providers with progress bars, checks the stored bytes' SHA-256, and prints a summary table.
 */
export async function runDemoCommand(options: { dir: string; mp4Size?: number; isTTY: boolean }): Promise<number> {
  const files = await createSampleMedia(options.dir, options.mp4Size ?? 48 * MiB).catch((error: unknown) => {
    const why = (error as NodeJS.ErrnoException)?.code ?? String(error);
    throw new UsageError(`--dir ${options.dir}: cannot write the sample media there (${why}). Give a folder you can write.`);
  });
  const digests = new Map(await Promise.all(files.map(async (file) => [file, await sha256File(file)] as const)));
  const { startSandbox } = await import("@uploadkit/sandbox");
  const sandbox = await startSandbox({ fanvue: { processingMs: 200 } });
  const rows: Row[] = [];
  const reporter = options.isTTY ? ttyReporter() : plainReporter();
  try {
    for (const provider of PROVIDERS) {
      const adapter = adapterFor(provider);
      for (const file of files) {
        const size = (await stat(file)).size;
        const report = reporter.file(`${provider} ${basename(file)}`, size);
        let last: UploadProgress | undefined;
        const started = performance.now();
        try {
          const outcome = await adapter.upload({ ...adapter.fromSandbox(sandbox), wait: provider === "fanvue" }, file, {
            signal: new AbortController().signal,
            checkpoint: undefined,
            onProgress: (progress) => {
              last = progress;
              report.progress(progress);
            },
          });
          const seconds = (performance.now() - started) / 1000;
          const key = sandbox[provider].keyOf(outcome.id);
          const verified = key !== undefined && (await sandbox.objectSha256(key)) === digests.get(file);
          const parts = last?.partsTotal ?? 1;
          report.done({
            provider,
            file,
            size,
            id: outcome.id,
            status: outcome.status,
            parts,
            seconds,
            mibPerSecond: size / MiB / seconds,
          });
          rows.push({ provider, file: basename(file), size, parts, seconds, verified });
        } catch (error) {
          report.failed(formatError(error));
          rows.push({ provider, file: basename(file), size, parts: 0, seconds: 0, verified: false, error: formatError(error) });
        }
      }
    }
  } finally {
    reporter.close();
    await sandbox.stop();
  }
  process.stdout.write(`\n${summaryTable(rows)}\n`);
  const failed = rows.filter((row) => !row.verified);
  if (failed.length > 0) {
    for (const row of failed)
      process.stdout.write(`FAILED ${row.provider} ${row.file}: ${row.error ?? "stored bytes differ from the file"}\n`);
    return EXIT_FAILED;
  }
  process.stdout.write(`All ${rows.length} uploads verified: the stored SHA-256 equals each file's.\n`);
  return EXIT_OK;
}

export function summaryTable(rows: Row[]): string {
  const header = ["provider", "file", "size (MiB)", "parts", "seconds", "MiB/s", "verified"];
  const body = rows.map((r) => [
    r.provider,
    r.file,
    formatMiB(r.size),
    String(r.parts),
    r.seconds.toFixed(2),
    r.seconds > 0 ? (r.size / MiB / r.seconds).toFixed(1) : "-",
    r.verified ? "yes" : "NO",
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => (row[i] as string).length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] as number)).join(" | ")} |`;
  return [line(header), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`, ...body.map(line)].join("\n");
}

function sha256File(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash("sha256");
    createReadStream(path)
      .on("data", (chunk) => hash.update(chunk))
      .on("end", () => resolve(hash.digest("hex")))
      .on("error", reject);
  });
}

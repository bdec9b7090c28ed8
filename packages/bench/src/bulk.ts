import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { startSandbox } from "@uploadkit/sandbox";
import { accountRateUsed } from "./account-rate.js";

const KiB = 1024;
const PNG = Buffer.from("89504e470d0a1a0a0000000d49484452", "hex");

/** What the bulk section measured: the CLI over a folder, against a rate-limited API with latency. */
export interface BulkResult {
  files: number;
  minKiB: number;
  maxKiB: number;
  latencyMs: number;
  callsPerSecondAllowed: number;
  seconds: number;
  filesPerSecond: number;
  apiCalls: number;
  refused: number;
  refusedShare: number;
  /** Accepted calls per second over the span of API calls, as a share of what the API allows. */
  rateUsed: number;
  peakRssMiB: number;
  peakOpenFds: number;
  exitCode: number | null;
}

export interface BulkOptions {
  files: number;
  minKiB: number;
  maxKiB: number;
  latencyMs: number;
  callsPerSecond: number;
}

/**
 * `uploadkit upload record360 <folder> -r --journal --report` as a user runs it (a child process, measured from
 * /proc: peak RSS from VmHWM, open descriptors sampled), against the sandbox in this process with every API answer
 * `latencyMs` late and at most `callsPerSecond` calls accepted per second (429 + Retry-After beyond).
 */
export async function measureBulk(scratch: string, options: BulkOptions): Promise<BulkResult> {
  const root = join(scratch, "bulk-library");
  rmSync(root, { recursive: true, force: true });
  const span = options.maxKiB - options.minKiB;
  for (let n = 0; n < options.files; n++) {
    const folder = join(root, `shoot-${Math.floor(n / 100)}`);
    if (n % 100 === 0) mkdirSync(folder, { recursive: true });
    const size = (options.minKiB + ((n * 7919) % (span + 1))) * KiB;
    writeFileSync(join(folder, `img-${n}.png`), Buffer.concat([PNG, randomBytes(size - PNG.length)]));
  }
  const sandbox = await startSandbox({
    providers: ["record360"],
    latencyMs: options.latencyMs,
    rateLimit: { callsPerSecond: options.callsPerSecond },
  });
  const bin = createRequire(import.meta.url)
    .resolve("@uploadkit/cli/package.json")
    .replace(/package\.json$/, "bin/uploadkit.js");
  try {
    const started = performance.now();
    const child = spawn(
      process.execPath,
      [
        bin,
        "upload",
        "record360",
        root,
        "--recursive",
        "--journal",
        join(scratch, "bulk.journal"),
        "--report",
        join(scratch, "bulk-report.csv"),
        "--checkpoint-dir",
        join(scratch, "bulk-checkpoints"),
        "--base-url",
        sandbox.record360.baseUrl,
      ],
      {
        env: { PATH: process.env.PATH, RECORD360_TOKEN: sandbox.record360.credentials.token },
        stdio: ["ignore", "ignore", "pipe"],
      },
    );
    let tail = "";
    child.stderr.on("data", (chunk: Buffer) => (tail = (tail + chunk).slice(-4000)));
    let peakRssKiB = 0;
    let peakOpenFds = 0;
    const sample = () => {
      try {
        const status = readFileSync(`/proc/${child.pid}/status`, "utf8");
        peakRssKiB = Math.max(peakRssKiB, Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0));
        peakOpenFds = Math.max(peakOpenFds, readdirSync(`/proc/${child.pid}/fd`).length);
      } catch {
        // The process has ended.
      }
    };
    const sampler = setInterval(sample, 100);
    const exitCode = await new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    clearInterval(sampler);
    const seconds = (performance.now() - started) / 1000;
    const { accepted, refused } = sandbox.rateLimit.counts;
    if (exitCode !== 0) console.error(`the bulk run exited ${exitCode}:\n${tail}`);
    return {
      ...options,
      callsPerSecondAllowed: options.callsPerSecond,
      seconds,
      filesPerSecond: options.files / seconds,
      apiCalls: accepted + refused,
      refused,
      refusedShare: refused / Math.max(1, accepted + refused),
      rateUsed: accountRateUsed(sandbox, "record360", accepted, options.callsPerSecond),
      peakRssMiB: peakRssKiB / 1024,
      peakOpenFds,
      exitCode,
    };
  } finally {
    await sandbox.stop();
    rmSync(root, { recursive: true, force: true });
  }
}

/** The bulk section as a markdown table, with the budgets it is held to. */
export function bulkMarkdown(result: BulkResult): string {
  const budget = (ok: boolean) => (ok ? "within budget" : "**over budget**");
  return [
    `| ${result.files} files of ${result.minKiB}–${result.maxKiB} KiB, Record360 via the CLI, ${result.latencyMs} ms per API answer, API allows ${result.callsPerSecondAllowed} calls/s | |`,
    "|---|---|",
    `| time | ${result.seconds.toFixed(1)} s (exit ${result.exitCode}) |`,
    `| files/s | ${result.filesPerSecond.toFixed(1)} |`,
    `| the account's rate used, over the span of API calls | ${(100 * result.rateUsed).toFixed(1)} % (target ≥ 90 %) |`,
    `| API calls refused (429) | ${result.refused} of ${result.apiCalls} (${(100 * result.refusedShare).toFixed(2)} %; target ≤ 4 %) |`,
    `| CLI peak RSS | ${result.peakRssMiB.toFixed(0)} MiB (${budget(result.peakRssMiB <= 200)}: ≤ 200 MiB) |`,
    `| CLI open descriptors, most seen | ${result.peakOpenFds} (${budget(result.peakOpenFds <= 64)}: ≤ 64) |`,
  ].join("\n");
}

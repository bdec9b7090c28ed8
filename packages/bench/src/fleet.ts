import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { createConnection } from "node:net";
import { join } from "node:path";
import { startSandbox } from "@uploadkit/sandbox";
import { startRedisServer } from "@uploadkit/testkit";
import { accountRateUsed } from "./account-rate.js";

const PNG = Buffer.from("89504e470d0a1a0a0000000d49484452", "hex");

/** One fleet run: `workers` CLI processes joining one `--journal redis://…` run over one folder. */
export interface FleetRun {
  workers: number;
  seconds: number;
  filesPerSecond: number;
  /** Files per second the account's limit allows, at the calls per file this run made. */
  allowedFilesPerSecond: number;
  /** Accepted calls per second over the span of API calls, as a share of the limit. */
  rateUsed: number;
  apiCalls: number;
  refused: number;
  refusedShare: number;
  peakRssMiB: number[];
  peakOpenFds: number[];
  redisCommandsPerFile: number;
  exitCodes: (number | null)[];
}

export interface FleetOptions {
  files: number;
  workers: number;
  latencyMs: number;
  callsPerSecond: number;
}

/** The fleet section: `options.workers` members, then one alone, over the same kind of folder and limit. */
export async function measureFleet(scratch: string, options: FleetOptions): Promise<{ options: FleetOptions; runs: FleetRun[] }> {
  const runs: FleetRun[] = [];
  for (const workers of [options.workers, 1]) runs.push(await fleetRun(scratch, options, workers));
  return { options, runs };
}

async function fleetRun(scratch: string, options: FleetOptions, workers: number): Promise<FleetRun> {
  const root = join(scratch, `fleet-${workers}`);
  rmSync(root, { recursive: true, force: true });
  for (let n = 0; n < options.files; n++) {
    const folder = join(root, `shoot-${Math.floor(n / 100)}`);
    if (n % 100 === 0) mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, `img-${n}.png`), Buffer.concat([PNG, randomBytes(2048 + (n % 64) * 64)]));
  }
  const [sandbox, redis] = await Promise.all([
    startSandbox({
      providers: ["record360"],
      latencyMs: options.latencyMs,
      rateLimit: { callsPerSecond: options.callsPerSecond },
    }),
    startRedisServer(),
  ]);
  const bin = createRequire(import.meta.url)
    .resolve("@uploadkit/cli/package.json")
    .replace(/package\.json$/, "bin/uploadkit.js");
  try {
    const commandsBefore = await redisCommands(redis.port);
    const started = performance.now();
    const children: ChildProcess[] = Array.from({ length: workers }, () =>
      spawn(
        process.execPath,
        [bin, "upload", "record360", root, "-r", "--journal", `${redis.url}/bench`, "--base-url", sandbox.record360.baseUrl],
        { env: { PATH: process.env.PATH, RECORD360_TOKEN: sandbox.record360.credentials.token }, stdio: "ignore" },
      ),
    );
    const peakRssKiB = children.map(() => 0);
    const peakOpenFds = children.map(() => 0);
    const sampler = setInterval(() => {
      for (const [index, child] of children.entries()) {
        try {
          const status = readFileSync(`/proc/${child.pid}/status`, "utf8");
          peakRssKiB[index] = Math.max(peakRssKiB[index] ?? 0, Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0));
          peakOpenFds[index] = Math.max(peakOpenFds[index] ?? 0, readdirSync(`/proc/${child.pid}/fd`).length);
        } catch {
          // That process has ended.
        }
      }
    }, 100);
    const exitCodes = await Promise.all(
      children.map((child) => new Promise<number | null>((resolve) => child.on("exit", resolve))),
    );
    clearInterval(sampler);
    const seconds = (performance.now() - started) / 1000;
    const commands = (await redisCommands(redis.port)) - commandsBefore;
    const { accepted, refused } = sandbox.rateLimit.counts;
    const callsPerFile = accepted / options.files;
    return {
      workers,
      seconds,
      filesPerSecond: options.files / seconds,
      allowedFilesPerSecond: options.callsPerSecond / Math.max(callsPerFile, 1),
      rateUsed: accountRateUsed(sandbox, "record360", accepted, options.callsPerSecond),
      apiCalls: accepted + refused,
      refused,
      refusedShare: refused / Math.max(1, accepted + refused),
      peakRssMiB: peakRssKiB.map((kib) => kib / 1024),
      peakOpenFds,
      redisCommandsPerFile: commands / options.files,
      exitCodes,
    };
  } finally {
    await Promise.all([sandbox.stop(), redis.stop()]);
    rmSync(root, { recursive: true, force: true });
  }
}

/** Redis's `total_commands_processed` (INFO stats), asked over a socket of its own. */
function redisCommands(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ port, host: "127.0.0.1" }, () => socket.write("INFO stats\r\n"));
    let text = "";
    socket.on("data", (chunk) => {
      text += chunk;
      const match = /total_commands_processed:(\d+)/.exec(text);
      if (match) {
        socket.destroy();
        resolve(Number(match[1]));
      }
    });
    socket.on("error", reject);
  });
}

/** The fleet section as a markdown table: the fleet beside one worker alone. */
export function fleetMarkdown({ options, runs }: { options: FleetOptions; runs: FleetRun[] }): string {
  const cells = (pick: (run: FleetRun) => string) => runs.map(pick).join(" | ");
  return [
    `| ${options.files} images, Record360 via \`uploadkit upload … --journal redis://…\`, ${options.latencyMs} ms per API answer, one account allowing ${options.callsPerSecond} calls/s | ${cells((run) => `${run.workers} worker${run.workers === 1 ? "" : "s"}`)} |`,
    `|---|${runs.map(() => "---").join("|")}|`,
    `| time | ${cells((run) => `${run.seconds.toFixed(1)} s (exit ${run.exitCodes.join(",")})`)} |`,
    `| files/s (the limit allows) | ${cells((run) => `${run.filesPerSecond.toFixed(1)} (${run.allowedFilesPerSecond.toFixed(1)})`)} |`,
    `| the account's rate used (target ≥ 90 %) | ${cells((run) => `${(100 * run.rateUsed).toFixed(1)} %`)} |`,
    `| calls refused (target ≤ 4 %) | ${cells((run) => `${run.refused} of ${run.apiCalls} (${(100 * run.refusedShare).toFixed(2)} %)`)} |`,
    `| peak RSS per worker | ${cells((run) => run.peakRssMiB.map((mib) => `${mib.toFixed(0)} MiB`).join(", "))} |`,
    `| most open descriptors per worker | ${cells((run) => run.peakOpenFds.join(", "))} |`,
    `| Redis commands per file | ${cells((run) => run.redisCommandsPerFile.toFixed(1))} |`,
  ].join("\n");
}

import { createHash, randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { type Sandbox, scratchDir, startSandbox } from "@uploadkit/sandbox";
import { freePort, type RedisServer, startCuttableProxy, startRedisServer } from "@uploadkit/testkit";
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { type CliRun, runCli } from "./support/run-cli.js";

// Several `uploadkit upload … --journal redis://…/<run>` processes over one folder: one run, each file once.

const PNG = Buffer.from("89504e470d0a1a0a0000000d49484452", "hex");
const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");
const dir = scratchDir("cli-fleet", { onSignal: true });
let sandbox: Sandbox;
let redis: RedisServer;

beforeAll(async () => {
  [sandbox, redis] = await Promise.all([startSandbox({ providers: ["record360"], latencyMs: 50 }), startRedisServer()]);
});
afterAll(async () => {
  await Promise.all([sandbox?.stop(), redis?.stop()]);
  rmSync(dir, { recursive: true, force: true });
});

function library(name: string, count: number): { root: string; files: Map<string, string> } {
  const root = join(dir, name);
  const files = new Map<string, string>();
  for (let n = 0; n < count; n++) {
    const folder = join(root, `shoot-${n % 10}`);
    mkdirSync(folder, { recursive: true });
    const bytes = Buffer.concat([PNG, randomBytes(1024 + ((n * 613) % 4096))]);
    const path = join(folder, `img-${n}.png`);
    writeFileSync(path, bytes);
    files.set(path, sha256(bytes));
  }
  return { root, files };
}

/** `uploadkit upload record360 <root> -r --journal <journal> --report <report> --json`; SIGKILLed after `killAfter` files. */
function member(root: string, journal: string, report: string, killAfter?: number): Promise<CliRun> {
  const args = ["upload", "record360", root, "-r", "--journal", journal, "--report", report, "--json"];
  const env = { RECORD360_TOKEN: sandbox.record360.credentials.token };
  return runCli([...args, "--base-url", sandbox.record360.baseUrl], dir, env, killAfter);
}

const reportRows = (path: string) =>
  readFileSync(path, "utf8")
    .trim()
    .split("\n")
    .slice(1)
    .map((line) => {
      const [file, id, , , outcome] = line.split(",");
      return { file: resolve(dir, file as string), id: id as string, outcome: outcome as string };
    });

describe("uploadkit upload … --journal redis://host:port/<run>: a fleet", () => {
  it("four processes over 1,500 images under one 80 calls/s account, one SIGKILLed: every file once, ≤ 4 % refused, every report the whole run, a rerun makes no call", async () => {
    const { root, files } = library("fleet", 1500);
    const before = sandbox.record360.finished().length;
    sandbox.rateLimit.callsPerSecond = 80;
    const counts = { ...sandbox.rateLimit.counts };
    try {
      const journal = `${redis.url}/fleet-1500`;
      const runs = await Promise.all([0, 1, 2, 3].map((n) => member(root, journal, `fleet-${n}.csv`, n === 0 ? 150 : undefined)));
      expect(runs[0]?.signal).toBe("SIGKILL");
      for (const run of runs.slice(1)) expect(run.code, run.stderr).toBe(0);

      // At the provider: one upload per file, each with its file's bytes.
      const ids = sandbox.record360.finished().slice(before);
      expect(ids).toHaveLength(1500);
      const stored = await Promise.all(ids.map((id) => sandbox.objectSha256(sandbox.record360.keyOf(id) as string)));
      expect(new Set(stored)).toEqual(new Set(files.values()));
      const accepted = sandbox.rateLimit.counts.accepted - counts.accepted;
      const refused = sandbox.rateLimit.counts.refused - counts.refused;
      expect(refused / (accepted + refused)).toBeLessThanOrEqual(0.04);

      // Each surviving member's report lists the whole run, with the provider's ids.
      for (const n of [1, 2, 3]) {
        const rows = reportRows(join(dir, `fleet-${n}.csv`));
        expect(new Set(rows.map((row) => row.file))).toEqual(new Set(files.keys()));
        expect(new Set(rows.map((row) => row.id))).toEqual(new Set(ids));
      }

      // The fleet finished: the same command again makes no provider call.
      const mark = sandbox.requests.length;
      const again = await member(root, journal, "again.csv");
      expect(again.code).toBe(0);
      expect(again.stderr).toMatch(/^1500 files: 0 uploaded, .*1500 already done \(journal\)/m);
      expect(sandbox.requests.slice(mark).filter((entry) => entry.server === "record360")).toEqual([]);
    } finally {
      sandbox.rateLimit.callsPerSecond = 0;
    }
  }, 600_000);

  it("Redis unreachable at the start: a clear error, exit 75, no upload", async () => {
    const { root } = library("no-redis", 5);
    const mark = sandbox.requests.length;
    const run = await member(root, `redis://127.0.0.1:${await freePort()}/nowhere`, "none.csv");
    expect(run.code).toBe(75);
    expect(run.stderr).toMatch(/Redis journal "nowhere".*could not be reached/);
    expect(sandbox.requests.slice(mark)).toEqual([]);
  });

  it("Redis lost in the middle: the members stop with exit 75; a rerun completes, nothing doubled", async () => {
    const { root, files } = library("lost", 300);
    const before = sandbox.record360.finished().length;
    const proxy = await startCuttableProxy(redis.port);
    onTestFinished(() => proxy.close());
    const journal = `${proxy.url}/lost-run`;
    const members = [0, 1].map((n) => member(root, journal, `lost-${n}.csv`));
    for (let waited = 0; waited < 3000 && sandbox.record360.finished().length - before < 60; waited++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    proxy.cut();
    const stopped = await Promise.all(members);
    for (const run of stopped) {
      expect(run.code, run.stderr).toBe(75);
      expect(run.stderr).toMatch(/Run the same command again once Redis answers/);
    }
    expect(sandbox.record360.finished().length - before).toBeLessThan(300);

    const again = await member(root, `${redis.url}/lost-run`, "lost-again.csv");
    expect(again.code, again.stderr).toBe(0);
    const ids = sandbox.record360.finished().slice(before);
    expect(ids).toHaveLength(300);
    const stored = await Promise.all(ids.map((id) => sandbox.objectSha256(sandbox.record360.keyOf(id) as string)));
    expect(new Set(stored)).toEqual(new Set(files.values()));
  }, 300_000);
});

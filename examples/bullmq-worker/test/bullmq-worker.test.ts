import { type ChildProcess, spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Sandbox, startSandbox } from "@uploadkit/sandbox";
import { type RedisServer, startRedisServer, stopOnExit } from "@uploadkit/testkit";
import type { Queue } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
// @ts-expect-error: a plain ES module of the example, without types.
import { enqueue } from "../enqueue.mjs";

const WORKER = fileURLToPath(new URL("../worker.mjs", import.meta.url));
const PNG = Buffer.from("89504e470d0a1a0a0000000d49484452", "hex");
let sandbox: Sandbox;
let redis: RedisServer;
let dir: string;
const workers: ChildProcess[] = [];

beforeAll(async () => {
  [sandbox, redis] = await Promise.all([startSandbox({ providers: ["record360"], latencyMs: 50 }), startRedisServer()]);
  dir = mkdtempSync(join(tmpdir(), "uploadkit-bullmq-"));
});
afterAll(async () => {
  for (const worker of workers) if (worker.exitCode === null && worker.signalCode === null) worker.kill("SIGTERM");
  await Promise.all(
    workers.map((worker) =>
      worker.exitCode === null && worker.signalCode === null ? new Promise((r) => worker.once("exit", r)) : undefined,
    ),
  );
  await Promise.all([sandbox?.stop(), redis?.stop()]);
  rmSync(dir, { recursive: true, force: true });
});

function startWorker(): Promise<ChildProcess> {
  const child = stopOnExit(
    spawn(process.execPath, [WORKER], {
      env: {
        PATH: process.env.PATH,
        REDIS_URL: redis.url,
        RECORD360_TOKEN: sandbox.record360.credentials.token,
        RECORD360_BASE_URL: sandbox.record360.baseUrl,
        LEASE_MS: "3000",
        LOCK_MS: "3000",
      },
      stdio: ["ignore", "pipe", "pipe"],
    }),
  );
  workers.push(child);
  return new Promise((resolve, reject) => {
    child.stdout?.on("data", (chunk: Buffer) => {
      if (chunk.toString().includes("ready")) resolve(child);
    });
    child.once("exit", (code) => reject(new Error(`worker exited with ${code}`)));
  });
}

describe("examples/bullmq-worker: uploads as BullMQ jobs in three worker processes", () => {
  it("every file uploaded exactly once under one 80 calls/s account, with a worker SIGKILLed in the middle", async () => {
    const files = new Map<string, string>();
    for (let n = 0; n < 300; n++) {
      mkdirSync(join(dir, `set-${n % 5}`), { recursive: true });
      const bytes = Buffer.concat([PNG, randomBytes(1024 + n * 7)]);
      const path = join(dir, `set-${n % 5}`, `img-${n}.png`);
      writeFileSync(path, bytes);
      files.set(path, createHash("sha256").update(bytes).digest("hex"));
    }
    sandbox.rateLimit.callsPerSecond = 80;
    const before = sandbox.record360.finished().length;
    const counts = { ...sandbox.rateLimit.counts };
    const started = await Promise.all([startWorker(), startWorker(), startWorker()]);
    const queue = (await enqueue([...files.keys()], redis.url)) as Queue;
    while (sandbox.record360.finished().length - before < 60) await new Promise((resolve) => setTimeout(resolve, 20));
    started[0]?.kill("SIGKILL");
    for (;;) {
      const { completed = 0, failed = 0 } = await queue.getJobCounts("completed", "failed");
      expect(failed).toBe(0);
      if (completed === files.size) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    await queue.close();
    const ids = sandbox.record360.finished().slice(before);
    expect(ids).toHaveLength(files.size);
    const stored = await Promise.all(ids.map((id) => sandbox.objectSha256(sandbox.record360.keyOf(id) as string)));
    expect(new Set(stored)).toEqual(new Set(files.values()));
    const accepted = sandbox.rateLimit.counts.accepted - counts.accepted;
    const refused = sandbox.rateLimit.counts.refused - counts.refused;
    expect(refused / (accepted + refused)).toBeLessThanOrEqual(0.04);
    sandbox.rateLimit.callsPerSecond = 0;

    // The README's one-liner, on files already queued (same job ids: nothing added): it ends once the queue is
    // closed, because the queue's Redis connection is its own.
    const twice = [...files.keys()].slice(0, 2);
    const oneLiner = stopOnExit(
      spawn(
        process.execPath,
        ["-e", `import("./enqueue.mjs").then(({ enqueue }) => enqueue(${JSON.stringify(twice)})).then((queue) => queue.close())`],
        {
          cwd: fileURLToPath(new URL("..", import.meta.url)),
          env: { PATH: process.env.PATH, REDIS_URL: redis.url },
          stdio: "inherit",
        },
      ),
    );
    expect(await new Promise((resolve) => oneLiner.once("exit", resolve))).toBe(0);
    expect(sandbox.record360.finished().slice(before)).toHaveLength(files.size);
  });
});

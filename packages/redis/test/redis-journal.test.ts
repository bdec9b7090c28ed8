import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { JournalError } from "@uploadkit/multipart";
import { createRecord360Client } from "@uploadkit/record360";
import { type Sandbox, startSandbox } from "@uploadkit/sandbox";
import { freePort, type RedisServer, startCuttableProxy, startRedisServer } from "@uploadkit/testkit";
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { redisJournal, redisRateLimiter } from "../src/index.js";

const MiB = 1024 * 1024;
const MP4 = Buffer.from("0000001c667479706d703432000000006d703432697336366d703431", "hex");
let redis: RedisServer;
let sandbox: Sandbox;
let dir: string;
const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

beforeAll(async () => {
  [redis, sandbox] = await Promise.all([startRedisServer(), startSandbox({ providers: ["record360"] })]);
  dir = mkdtempSync(join(tmpdir(), "uploadkit-redis-journal-"));
});
afterAll(async () => {
  await Promise.all([redis?.stop(), sandbox?.stop()]);
  rmSync(dir, { recursive: true, force: true });
});

const client = () => createRecord360Client({ baseUrl: sandbox.record360.baseUrl, token: sandbox.record360.credentials.token });
function file(name: string, size: number): { path: string; sha: string } {
  const bytes = Buffer.concat([MP4, randomBytes(size - MP4.length)]);
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return { path, sha: sha256(bytes) };
}

describe("redisJournal", () => {
  it("a claim is one worker's: others get none until it is released or its lease runs out", async () => {
    // a and b hold leases no pause of a busy machine outlasts; c's runs out in 300 ms, to be taken over.
    const [a, b, c] = await Promise.all([
      redisJournal({ url: redis.url, name: "claims", leaseMs: 60_000 }),
      redisJournal({ url: redis.url, name: "claims", leaseMs: 60_000 }),
      redisJournal({ url: redis.url, name: "claims", leaseMs: 300 }),
    ]);
    const held = await a.claim?.("/lib/a.png");
    expect(held).toBeDefined();
    expect(await b.claim?.("/lib/a.png")).toBeUndefined();
    expect(await c.claim?.("/lib/a.png")).toBeUndefined();
    expect(await held?.renew()).toBe(true);
    await held?.release();
    const taken = await c.claim?.("/lib/a.png");
    expect(taken).toBeDefined();
    expect(await b.claim?.("/lib/a.png")).toBeUndefined();
    // c's lease runs out unrenewed: b takes the file over, and c's renewal says it lost it.
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(await b.claim?.("/lib/a.png")).toBeDefined();
    expect(await taken?.renew()).toBe(false);
    expect(await a.claim?.("/lib/a.png")).toBeUndefined();
    await Promise.all([a.close(), b.close(), c.close()]);
  });

  it("records, merged per file, listed for the whole run; checkpoints beside them", async () => {
    const journal = await redisJournal({ url: redis.url, name: "records" });
    const at = new Date().toISOString();
    const source = { kind: "file" as const, size: 3, path: "/x", mtimeMs: 1, edgesSha256: "e" };
    await journal.append({ v: 1, key: "/x", provider: "record360", state: "started", source, ids: { fileId: "f" }, at });
    await journal.append({ v: 1, key: "/x", provider: "record360", state: "done", id: "f", result: { id: "f" }, at });
    expect(await journal.get("/x")).toMatchObject({ state: "done", id: "f", source, ids: { fileId: "f" } });
    const all = [];
    for await (const record of journal.records()) all.push(record.key);
    expect(all).toEqual(["/x"]);
    const store = journal.checkpointFor?.("/x", "record360");
    expect(await store?.load()).toBeUndefined();
    await store?.save({ version: 1, provider: "record360", source, session: { a: 1 }, parts: [], createdAt: at, updatedAt: at });
    expect(await store?.load()).toMatchObject({ session: { a: 1 } });
    await store?.clear();
    expect(await store?.load()).toBeUndefined();
    await journal.close();
  });

  it("Redis unreachable at the start: a JournalError JOURNAL_UNAVAILABLE, before anything, naming where but no password", async () => {
    const port = await freePort();
    const url = `redis://worker:pw-never-shown@127.0.0.1:${port}`;
    const failure = await redisJournal({ url, name: "x", connectTimeoutMs: 500 }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(JournalError);
    expect(failure).toMatchObject({ code: "JOURNAL_UNAVAILABLE" });
    expect((failure as Error).message).toMatch(
      new RegExp(`^the Redis journal "x": Redis at 127\\.0\\.0\\.1:${port} could not be reached`),
    );
    expect(String((failure as Error).message)).not.toContain("pw-never-shown");
  });

  it("uploadMedia with the journal and the shared limit: a second worker on the same file finds it done, no call", async () => {
    const journal = await redisJournal({ url: redis.url, name: "one-file" });
    const limiter = redisRateLimiter({ url: redis.url, name: "account" });
    const { path, sha } = file("one.mp4", 200_000);
    const first = await createRecord360Client({
      baseUrl: sandbox.record360.baseUrl,
      token: sandbox.record360.credentials.token,
      rateLimit: { limiter },
    }).uploadMedia(path, { journal });
    expect(await sandbox.objectSha256(sandbox.record360.keyOf(first.id) as string)).toBe(sha);
    const mark = sandbox.requests.length;
    const again = await client().uploadMedia(path, { journal });
    expect(again.id).toBe(first.id);
    expect(sandbox.requests.slice(mark)).toEqual([]);
    expect(limiter.stats.calls).toBeGreaterThan(0);
    await Promise.all([journal.close(), limiter.close()]);
  });

  it("a worker that stops mid-file: the next takes it over from the checkpoint in Redis and sends only the parts not yet stored", async () => {
    const seeded = await redisJournal({ url: redis.url, name: "takeover" });
    const { path: big, sha: bigSha } = file("takeover.mp4", 16 * MiB);
    const halt = new AbortController();
    const halted = client()
      .uploadMedia(big, {
        journal: seeded,
        partSize: 5 * MiB,
        concurrency: 1,
        signal: halt.signal,
        onProgress: ({ partsDone }) => {
          if (partsDone >= 2) halt.abort();
        },
      })
      .catch((error: unknown) => error);
    expect(await halted).toMatchObject({ name: "AbortError" });
    const mark = sandbox.requests.length;
    const other = await redisJournal({ url: redis.url, name: "takeover" });
    const done = await client().uploadMedia(big, { journal: other, partSize: 5 * MiB });
    expect(await sandbox.objectSha256(sandbox.record360.keyOf(done.id) as string)).toBe(bigSha);
    const sent = sandbox.requests.slice(mark).filter((entry) => entry.server === "store" && entry.method === "PUT");
    expect(sent).toHaveLength(2); // 4 parts of 5 MiB: the 2 stored before the stop are not sent again
    expect(sandbox.requests.slice(mark).some((entry) => entry.url.includes("multipart_upload_start"))).toBe(false);
    await Promise.all([seeded.close(), other.close()]);
  });

  it("a file changed since another worker journaled it is uploaded anew", async () => {
    const journal = await redisJournal({ url: redis.url, name: "changed" });
    const { path } = file("changing.mp4", 100_000);
    const first = await client().uploadMedia(path, { journal });
    const { sha } = file("changing.mp4", 120_000);
    const outcomes = await client().uploadMany([path], { journal });
    expect(outcomes[0]).toMatchObject({ ok: true, journal: "changed" });
    const second = outcomes[0]?.ok ? outcomes[0].result.id : "";
    expect(second).not.toBe(first.id);
    expect(await sandbox.objectSha256(sandbox.record360.keyOf(second) as string)).toBe(sha);
    await journal.close();
  });

  it("Redis lost while a file uploads: its lease cannot be renewed, and the upload stops with JOURNAL_LEASE_LOST or JOURNAL_UNAVAILABLE", async () => {
    const proxy = await startCuttableProxy(redis.port);
    onTestFinished(() => proxy.close());
    const journal = await redisJournal({ url: proxy.url, name: "lost", leaseMs: 300 });
    const { path } = file("lost.mp4", 12 * MiB);
    const mark = sandbox.requests.length;
    const uploading = client()
      .uploadMany([path], { journal, concurrency: 1 })
      .then((outcomes) => outcomes[0]);
    // Cut Redis once the upload is under way.
    for (let waited = 0; waited < 400 && !sandbox.requests.slice(mark).some((r) => r.server === "store"); waited++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    proxy.cut();
    const outcome = await uploading;
    expect(outcome?.ok).toBe(false);
    expect((outcome as { error: { code: string } }).error.code).toMatch(/^JOURNAL_(LEASE_LOST|UNAVAILABLE)$/);
    await journal.close();
  });
});

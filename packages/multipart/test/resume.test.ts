import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { CHECKPOINT_VERSION, type CheckpointStore } from "../src/core/checkpoint/checkpoint-store.js";
import { ResumableSession } from "../src/core/checkpoint/resumable-session.js";
import { CheckpointError, SourceChangedError } from "../src/core/errors.js";
import { planParts } from "../src/core/plan-parts.js";
import { openSource } from "../src/core/sources/open-source.js";
import { uploadParts } from "../src/core/upload/upload-parts.js";
import { fileCheckpointStore } from "../src/node/file-checkpoint-store.js";
import { randomFile, scratchDir, sha256 } from "./support/files.js";
import { type PartServer, startPartServer } from "./support/part-server.js";

const KiB = 1024;
const { dir, cleanup } = scratchDir();
afterAll(cleanup);
let server: PartServer;
afterEach(() => server?.close());

interface Session {
  uploadId: string;
}

describe("fileCheckpointStore", () => {
  it("round-trips a checkpoint and leaves no temporary files", async () => {
    const store = fileCheckpointStore(join(dir, "nested", "a.json"));
    expect(await store.load()).toBeUndefined();
    const checkpoint = {
      version: CHECKPOINT_VERSION,
      provider: "test",
      source: { kind: "bytes" as const, size: 3 },
      session: { uploadId: "u" },
      parts: [{ partNumber: 1, etag: '"e"' }],
      createdAt: "2026-01-01T00:00:00Z",
      updatedAt: "2026-01-01T00:00:00Z",
    };
    await store.save(checkpoint);
    expect(await store.load()).toEqual(checkpoint);
    expect(readdirSync(join(dir, "nested"))).toEqual(["a.json"]);
    await store.clear();
    expect(await store.load()).toBeUndefined();
  });

  it("rejects a corrupt or foreign-version checkpoint with a clear error", async () => {
    const path = join(dir, "bad.json");
    writeFileSync(path, "{ half a checkp");
    await expect(fileCheckpointStore(path).load()).rejects.toThrow(/not valid JSON; delete it/);
    writeFileSync(path, JSON.stringify({ version: 99 }));
    await expect(fileCheckpointStore(path).load()).rejects.toThrow(CheckpointError);
    await expect(fileCheckpointStore(path).load()).rejects.toThrow(/version 99/);
  });
});

describe("resuming an interrupted upload", () => {
  it("uploads only the missing parts after a crash and completes byte-identical", async () => {
    const { path, bytes } = randomFile(dir, "crash.bin", 10 * 16 * KiB);
    const parts = planParts(bytes.length, { minPartSize: 1, maxPartSize: 16 * KiB, maxParts: 100, partSize: 16 * KiB });
    const checkpointPath = join(dir, "crash.checkpoint.json");
    let crashing = true;
    server = await startPartServer({ fault: (request) => (crashing && request.partNumber >= 5 ? "stall" : undefined) });

    // First run: parts 1-4 finish, then the process "dies" (abort) while 5+ hang.
    const first = await ResumableSession.open<Session>(checkpointPath, "test", await openSource(path));
    expect(first.session).toBeUndefined();
    await first.start({ uploadId: "up-1" });
    const controller = new AbortController();
    const run = uploadParts({
      source: await openSource(path),
      parts,
      concurrency: 4,
      signal: controller.signal,
      target: (part) => ({ url: server.url(part.partNumber) }),
      onPartUploaded: (part) => first.recordPart(part),
      onProgress: (p) => p.partsDone === 4 && setTimeout(() => controller.abort(), 20),
    });
    await expect(run).rejects.toMatchObject({ name: "AbortError" });
    const saved = JSON.parse(readFileSync(checkpointPath, "utf8"));
    expect(saved.parts.map((p: { partNumber: number }) => p.partNumber)).toEqual([1, 2, 3, 4]);
    expect(saved.session).toEqual({ uploadId: "up-1" });

    // Second run: same checkpoint, only 5-10 are sent.
    crashing = false;
    const before = server.requests.length;
    const second = await ResumableSession.open<Session>(checkpointPath, "test", await openSource(path));
    expect(second.session).toEqual({ uploadId: "up-1" });
    const result = await uploadParts({
      source: await openSource(path),
      parts,
      completed: second.completed,
      target: (part) => ({ url: server.url(part.partNumber) }),
      onPartUploaded: (part) => second.recordPart(part),
    });
    const resent = server.requests.slice(before).map((r) => r.partNumber);
    expect([...new Set(resent)].sort((a, b) => a - b)).toEqual([5, 6, 7, 8, 9, 10]);
    expect(result).toHaveLength(10);
    expect(server.objectSha256(10)).toBe(sha256(bytes));
    await second.clear();
    expect(() => readFileSync(checkpointPath)).toThrow();
  });

  it("refuses a checkpoint made for other bytes, or for another provider", async () => {
    const { path } = randomFile(dir, "changed.bin", 4 * KiB);
    const checkpointPath = join(dir, "changed.checkpoint.json");
    const session = await ResumableSession.open<Session>(checkpointPath, "fanvue", await openSource(path));
    await session.start({ uploadId: "u" });
    await expect(ResumableSession.open(checkpointPath, "record360", await openSource(path))).rejects.toThrow(
      /is for a fanvue upload/,
    );
    writeFileSync(path, Buffer.alloc(5 * KiB));
    const error = await ResumableSession.open(checkpointPath, "fanvue", await openSource(path)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SourceChangedError);
    expect((error as Error).message).toMatch(/size 4096 → 5120 bytes/);
  });

  it("accepts a custom store", async () => {
    const saved: unknown[] = [];
    const store: CheckpointStore = {
      description: "memory",
      load: async () => undefined,
      save: async (checkpoint) => {
        saved.push(structuredClone(checkpoint));
      },
      clear: async () => {},
    };
    const session = await ResumableSession.open<Session>(store, "test", await openSource(Buffer.from("abc")));
    await session.start({ uploadId: "x" });
    await session.recordPart({ partNumber: 1, etag: '"a"' });
    expect(saved).toHaveLength(2);
    expect(saved[1]).toMatchObject({ parts: [{ partNumber: 1, etag: '"a"' }], session: { uploadId: "x" } });
  });
});

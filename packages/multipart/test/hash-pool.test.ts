import { createHash, randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it, onTestFinished, vi } from "vitest";
import { MD5_LANES } from "../src/core/http/md5-lanes-wasm.js";
import { hashFileRange, RangeReadError, startHash } from "../src/node/hash-pool.js";
import { randomFile, scratchDir } from "./support/files.js";

const MiB = 1024 * 1024;

/** hash-pool.ts loaded afresh with `name` set in the environment (its pool reads it at start), undone after the test. */
async function poolWith(name: string, value: string) {
  vi.resetModules();
  vi.stubEnv(name, value);
  onTestFinished(() => {
    vi.unstubAllEnvs();
  });
  return import("../src/node/hash-pool.js");
}
const expected = (algorithm: "md5" | "sha256", bytes: Uint8Array) => createHash(algorithm).update(bytes).digest("hex");

/** Feeds `bytes` in chunks of `chunkSize`, waiting whenever the pool asks for it. */
async function hashInChunks(algorithm: "md5" | "sha256", bytes: Buffer, chunkSize: number): Promise<string> {
  const hash = startHash(algorithm);
  for (let offset = 0; offset < bytes.length; offset += chunkSize) {
    await hash.update(bytes.subarray(offset, offset + chunkSize));
  }
  return hash.digest();
}

describe("digests on worker threads", () => {
  it.each([0, 1, MiB - 1, MiB, MiB + 1, 5 * MiB + 3])("MD5 and SHA-256 of %i bytes equal node:crypto's", async (size) => {
    const bytes = randomBytes(size);
    for (const chunkSize of [1000, 64 * 1024, 3 * MiB]) {
      expect(await hashInChunks("md5", bytes, chunkSize)).toBe(expected("md5", bytes));
      expect(await hashInChunks("sha256", bytes, chunkSize)).toBe(expected("sha256", bytes));
    }
  });

  it("keeps many interleaved hashes apart, past the in-flight limit (back-pressure resolves)", async () => {
    const inputs = Array.from({ length: 12 }, () => randomBytes(6 * MiB + 17));
    const digests = await Promise.all(inputs.map((bytes) => hashInChunks("md5", bytes, 256 * 1024)));
    expect(digests).toEqual(inputs.map((bytes) => expected("md5", bytes)));
  });

  it("a discarded hash leaves the others intact, and a chunk reused after update does not change the digest", async () => {
    const dropped = startHash("md5");
    dropped.update(randomBytes(2 * MiB));
    dropped.discard();
    const bytes = randomBytes(3 * MiB);
    const hash = startHash("md5");
    const chunk = Buffer.alloc(MiB / 2);
    for (let offset = 0; offset < bytes.length; offset += chunk.length) {
      bytes.copy(chunk, 0, offset, offset + chunk.length);
      await hash.update(chunk);
      chunk.fill(0xff); // a reader that reuses its buffer (fs streams from a pool do)
    }
    expect(await hash.digest()).toBe(expected("md5", bytes));
  });
});

describe("digests of file ranges, read by the worker itself", () => {
  const { dir, cleanup } = scratchDir();
  afterAll(cleanup);

  it("equal node:crypto's for ranges of every shape, more at once than there are lanes, MD5 and SHA-256", async () => {
    const { path, bytes } = randomFile(dir, "ranges.bin", 3 * MiB + 77);
    const ranges: [number, number][] = [
      [0, 0],
      [5, 6],
      [63, 64 + 63],
      [1000, 1000 + 256 * 1024],
      [1, MiB + 1],
      [0, bytes.length],
      [MiB - 3, 3 * MiB + 77],
      [2 * MiB, 2 * MiB + 1],
      [64, 2 * MiB + 64],
      [3 * MiB, 3 * MiB + 77],
    ];
    expect(ranges.length).toBeGreaterThan(MD5_LANES);
    const started = ranges.flatMap(([start, end]) =>
      (["md5", "sha256"] as const).map((algorithm) => ({
        algorithm,
        start,
        end,
        hash: hashFileRange(path, start, end, algorithm),
      })),
    );
    const digests = await Promise.all(started.map(({ hash }) => hash?.digest()));
    expect(digests).toEqual(started.map(({ algorithm, start, end }) => expected(algorithm, bytes.subarray(start, end))));
  });

  it("ranges held for lane-mates are hashed once asked for: one alone, nine with one queued for a lane, one discarded", async () => {
    const { path, bytes } = randomFile(dir, "held.bin", 2 * MiB + 5);
    const range = (start: number, end: number) => ({ start, end, hash: hashFileRange(path, start, end, "md5") });
    // Started and not asked for: the worker holds it until lanes fill or it is needed; asking must not hang.
    const alone = range(7, MiB);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await alone.hash?.digest()).toBe(expected("md5", bytes.subarray(7, MiB)));
    const nine = [range(0, MiB), range(1, MiB + 1), range(MiB, 2 * MiB + 5), range(3, 2 * MiB), range(0, 64)];
    nine.push(range(100, 200), range(65, MiB + 65), range(2 * MiB, 2 * MiB + 5), range(4096, 2 * MiB));
    expect(nine.length).toBe(MD5_LANES + 1);
    const dropped = range(5, 2 * MiB);
    dropped.hash?.discard();
    nine[2]?.hash?.prioritize?.();
    const digests = await Promise.all(nine.map(({ hash }) => hash?.digest()));
    expect(digests).toEqual(nine.map(({ start, end }) => expected("md5", bytes.subarray(start, end))));
  });

  it("rejects with a RangeReadError when the file is missing or ends before the range, and a discard leaves the rest intact", async () => {
    const { path, bytes } = randomFile(dir, "short.bin", MiB);
    await expect(hashFileRange(`${path}.missing`, 0, 10, "md5")?.digest()).rejects.toBeInstanceOf(RangeReadError);
    await expect(hashFileRange(path, MiB - 10, MiB + 10, "md5")?.digest()).rejects.toThrow(/ends at byte/);
    hashFileRange(path, 0, MiB, "md5")?.discard();
    hashFileRange(path, 0, MiB, "sha256")?.discard();
    expect(await hashFileRange(path, 0, MiB, "md5")?.digest()).toBe(expected("md5", bytes));
  });
});

describe("digests on three workers (UPLOADKIT_HASH_WORKERS=3): MD5s fill one vector of lanes, then the next worker's", () => {
  const { dir, cleanup } = scratchDir();
  afterAll(cleanup);

  it("twenty ranges at once, every digest equal node:crypto's", async () => {
    const { hashFileRange: onThree } = await poolWith("UPLOADKIT_HASH_WORKERS", "3");
    const { path, bytes } = randomFile(dir, "three.bin", 2 * MiB + 9);
    const ranges = Array.from({ length: 20 }, (_, index) => [index * 1000, MiB + index * 50_000 + index] as const);
    const digests = await Promise.all(ranges.map(([start, end]) => onThree(path, start, end, "md5")?.digest()));
    expect(digests).toEqual(ranges.map(([start, end]) => expected("md5", bytes.subarray(start, end))));
  });
});

describe("the workers' MD5 lanes (a failed self-check falls back to node:crypto, correct and three times slower)", () => {
  it("every worker of a fresh pool reports lanes that passed their self-check", async () => {
    const { startHash: startFresh, hashWorkerLanes } = await poolWith("UPLOADKIT_HASH_WORKERS", "3");
    const hash = startFresh("md5");
    hash.update(randomBytes(1000));
    expect(await hash.digest()).toMatch(/^[0-9a-f]{32}$/);
    await vi.waitFor(() => expect(hashWorkerLanes()).toHaveLength(3));
    expect(hashWorkerLanes()).toEqual([true, true, true]);
  });
});

describe("digests where WebAssembly SIMD is not used (UPLOADKIT_MD5_LANES=0)", () => {
  it("MD5s run on node:crypto in the worker and equal node:crypto's", async () => {
    const { startHash: startPlainHash, hashWorkerLanes } = await poolWith("UPLOADKIT_MD5_LANES", "0");
    const inputs = Array.from({ length: 5 }, () => randomBytes(2 * MiB + 9));
    const digests = await Promise.all(
      inputs.map(async (bytes) => {
        const hash = startPlainHash("md5");
        for (let offset = 0; offset < bytes.length; offset += 100_000)
          await hash.update(bytes.subarray(offset, offset + 100_000));
        return hash.digest();
      }),
    );
    expect(digests).toEqual(inputs.map((bytes) => expected("md5", bytes)));
    expect(hashWorkerLanes().length).toBeGreaterThan(0);
    expect(hashWorkerLanes().every((lanes) => lanes === false)).toBe(true);
  });
});

describe("digests on the calling thread (UPLOADKIT_HASH_WORKERS=0)", () => {
  it("MD5s in the thread's lanes and SHA-256 equal node:crypto's, interleaved, with reused chunks and a discard", async () => {
    const { startHash: startInlineHash, hashFileRange: inlineRange } = await poolWith("UPLOADKIT_HASH_WORKERS", "0");
    // Without workers a file's range is not read again: the caller hashes the bytes as they stream.
    expect(inlineRange(fileURLToPath(import.meta.url), 0, 10, "md5")).toBeUndefined();
    const dropped = startInlineHash("md5");
    dropped.update(randomBytes(MiB));
    dropped.discard();
    const inputs = Array.from({ length: 6 }, (_, index) => randomBytes(index * MiB + 4097));
    const hashes = inputs.map(() => startInlineHash("md5"));
    const sha = startInlineHash("sha256");
    const chunk = Buffer.alloc(100_000);
    for (let offset = 0; offset < 6 * MiB; offset += chunk.length) {
      for (const [index, bytes] of inputs.entries()) {
        if (offset >= bytes.length) continue;
        const length = bytes.copy(chunk, 0, offset, offset + chunk.length);
        await hashes[index]?.update(chunk.subarray(0, length));
        if (index === 5) await sha.update(chunk.subarray(0, length));
        chunk.fill(0xee);
      }
    }
    expect(await Promise.all(hashes.map((hash) => hash.digest()))).toEqual(inputs.map((bytes) => expected("md5", bytes)));
    expect(await sha.digest()).toBe(expected("sha256", inputs[5] as Buffer));
  });
});

import { createHash, randomBytes } from "node:crypto";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Readable } from "node:stream";
import { type Sandbox, scratchDir, startSandbox } from "@uploadkit/sandbox";
import { type PrismServer, startPrism } from "@uploadkit/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFanvueClient, InputError, type UploadProgress } from "../src/index.js";

const MiB = 1024 * 1024;
const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");
const dir = scratchDir("fanvue", { onSignal: true });
let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ providers: ["fanvue"], fanvue: { processingMs: 150 } });
});
afterAll(async () => {
  await sandbox?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const client = (baseUrl = sandbox.fanvue.baseUrl) =>
  createFanvueClient({ token: sandbox.fanvue.credentials.token, baseUrl, retry: { baseDelayMs: 10, maxDelayMs: 50 } });

function file(name: string, size: number): { path: string; bytes: Buffer } {
  const bytes = randomBytes(size);
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return { path, bytes };
}

async function storedSha(mediaUuid: string): Promise<string> {
  return sandbox.objectSha256(sandbox.fanvue.keyOf(mediaUuid) as string);
}

describe("uploadMedia against the Fanvue sandbox (bytes in a real S3 store)", () => {
  for (const [name, size] of [
    ["1 byte", 1],
    ["exactly 5 MiB", 5 * MiB],
    ["23 MiB", 23 * MiB],
  ] as const) {
    it(`uploads ${name} from a path, byte-identical`, async () => {
      const { path, bytes } = file(`${size}.bin`, size);
      const events: UploadProgress[] = [];
      const result = await client().uploadMedia(path, { partSize: 5 * MiB, onProgress: (p) => events.push(p) });
      expect(result).toMatchObject({ status: "processing", uploadId: expect.any(String) });
      expect(await storedSha(result.mediaUuid)).toBe(sha256(bytes));
      expect(events.at(-1)).toMatchObject({ loaded: size, total: size, partsDone: Math.max(1, Math.ceil(size / (5 * MiB))) });
    });
  }

  it("uploads a Buffer and a stream", async () => {
    const bytes = randomBytes(7 * MiB);
    const fromBuffer = await client().uploadMedia(bytes, { filename: "buffer.bin" });
    expect(await storedSha(fromBuffer.mediaUuid)).toBe(sha256(bytes));
    const chunks = Array.from({ length: 7 }, (_, i) => bytes.subarray(i * MiB, (i + 1) * MiB));
    const fromStream = await client().uploadMedia(
      { stream: Readable.from(chunks), size: bytes.length, filename: "stream.bin" },
      { partSize: 5 * MiB },
    );
    expect(await storedSha(fromStream.mediaUuid)).toBe(sha256(bytes));
  });

  it("uploads on a creator's behalf and waits until ready", async () => {
    const { path, bytes } = file("creator.png", 6 * MiB);
    bytes.set(Buffer.from("89504e470d0a1a0a0000000d49484452", "hex"), 0);
    writeFileSync(path, bytes);
    const result = await client().uploadMedia(path, {
      creatorUserUuid: sandbox.fanvue.credentials.creatorUserUuid,
      name: "Creator upload",
      waitForReady: { intervalMs: 50, timeoutMs: 5000 },
    });
    expect(result).toMatchObject({
      status: "ready",
      media: { uuid: result.mediaUuid, name: "Creator upload", mediaType: "image" },
    });
    expect(await storedSha(result.mediaUuid)).toBe(sha256(bytes));
    const media = await client().getMedia(result.mediaUuid, { creatorUserUuid: sandbox.fanvue.credentials.creatorUserUuid });
    expect(media.status).toBe("ready");
  });

  it("resumes after an abort: same uploadId, only missing parts sent", async () => {
    const { path, bytes } = file("resume.mp4", 26 * MiB);
    const checkpoint = join(dir, "resume.checkpoint.json");
    const controller = new AbortController();
    const first = client().uploadMedia(path, {
      partSize: 5 * MiB,
      concurrency: 2,
      checkpoint,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.partsDone >= 2) controller.abort();
      },
    });
    await expect(first).rejects.toMatchObject({ name: "AbortError" });
    const saved = JSON.parse(readFileSync(checkpoint, "utf8")) as { session: { uploadId: string }; parts: unknown[] };
    expect(saved.parts.length).toBeGreaterThanOrEqual(2);
    const count = (server: string, method: string) =>
      sandbox.requests.filter((r) => r.server === server && r.method === method).length;
    const [putsBefore, createsBefore] = [count("store", "PUT"), count("fanvue", "POST")];
    const result = await client().uploadMedia(path, { partSize: 5 * MiB, checkpoint });
    expect(result.uploadId).toBe(saved.session.uploadId);
    expect(count("fanvue", "POST")).toBe(createsBefore);
    expect(count("store", "PUT") - putsBefore).toBe(6 - saved.parts.length);
    expect(existsSync(checkpoint)).toBe(false);
    expect(await storedSha(result.mediaUuid)).toBe(sha256(bytes));
    const completes = sandbox.requests.filter(
      (r) => r.server === "fanvue" && r.method === "PATCH" && r.url === `/media/uploads/${result.uploadId}`,
    );
    expect(completes).toHaveLength(1);
  });

  it("sends no Authorization header to the store", () => {
    const storeRequests = sandbox.requests.filter((r) => r.server === "store");
    expect(storeRequests.length).toBeGreaterThan(10);
    expect(storeRequests.filter((r) => r.headers.authorization !== undefined)).toEqual([]);
  });

  it("validates input before any call", async () => {
    const before = sandbox.requests.length;
    await expect(client().uploadMedia(Buffer.alloc(0))).rejects.toMatchObject({ code: "INPUT_EMPTY" });
    await expect(client().uploadMedia(Buffer.from("x"), { filename: "x".repeat(256) })).rejects.toThrow(
      /filename must be 1 to 255 characters/,
    );
    await expect(client().uploadMedia(Buffer.from("x"), { name: "" })).rejects.toThrow(InputError);
    await expect(client().uploadMedia(Buffer.from("x"), { mediaType: "pdf" as never })).rejects.toThrow(
      /mediaType must be one of/,
    );
    await expect(client().uploadMedia(Buffer.from("x"), { partSize: 0 })).rejects.toThrow(
      /partSize must be a whole number ≥ 1, got 0/,
    );
    await expect(client().uploadMedia(Buffer.from("x"), { concurrency: 0 })).rejects.toThrow(
      /concurrency must be a whole number ≥ 1/,
    );
    await expect(client().uploadMedia(join(dir, "missing.mp4"))).rejects.toMatchObject({ code: "INPUT_FILE_NOT_FOUND" });
    expect(() => createFanvueClient({ token: "" })).toThrow(/token is required/);
    expect(sandbox.requests.slice(before).filter((r) => r.method !== "POST" || r.url !== "/media/uploads")).toHaveLength(0);
  });
});

describe("uploadMedia behind the Prism proxy (every API call checked against the spec)", () => {
  let proxy: PrismServer;
  beforeAll(async () => {
    proxy = await startPrism({ provider: "fanvue", upstream: sandbox.fanvue.baseUrl });
  });
  afterAll(() => proxy?.stop());

  it("uploads and completes with requests and responses that match the spec", async () => {
    const { path, bytes } = file("proxied.jpg", 11 * MiB);
    const result = await client(proxy.origin).uploadMedia(path, { partSize: 5 * MiB, waitForReady: { intervalMs: 50 } });
    expect(result.status).toBe("ready");
    expect(await storedSha(result.mediaUuid)).toBe(sha256(bytes));
    expect(proxy.problems()).toEqual([]);
  });
});

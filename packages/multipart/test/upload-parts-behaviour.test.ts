import { Readable } from "node:stream";
import { sendJson, startRecordingServer } from "@uploadkit/testkit";
import { Agent } from "undici";
import { describe, expect, it } from "vitest";
import { AbortError, InputError } from "../src/core/errors.js";
import { openSource } from "../src/core/sources/open-source.js";
import type { UploadSource } from "../src/core/sources/upload-source.js";
import { Transport } from "../src/core/transport/transport.js";
import type { UploadProgress } from "../src/core/upload/progress.js";
import { uploadParts } from "../src/core/upload/upload-parts.js";
import { randomFile, sha256 } from "./support/files.js";
import { dir, FAST_RETRY, KiB, plan, server, startServer, upload } from "./support/upload-parts-harness.js";

describe("uploadParts: progress, abort, credentials, input", () => {
  it("reports progress up to the total, taking back bytes of failed attempts", async () => {
    const { path } = randomFile(dir, "progress.bin", 256 * KiB);
    const events: UploadProgress[] = [];
    await upload(await openSource(path), plan(256 * KiB, 64 * KiB), { onProgress: (p) => events.push(p) }, (request) =>
      request.partNumber === 2 && request.attempt === 1 ? { status: 500 } : undefined,
    );
    const last = events.at(-1);
    expect(last).toEqual({ loaded: 256 * KiB, total: 256 * KiB, partsDone: 4, partsTotal: 4 });
    expect(events[0]).toMatchObject({ loaded: 0, partsDone: 0 });
    expect(events.every((e) => e.loaded <= e.total && e.loaded >= 0)).toBe(true);
    expect(events.some((e, i) => i > 0 && e.loaded < (events[i - 1] as UploadProgress).loaded)).toBe(true);
  });

  it("aborts everything in flight at once, rejects with AbortError and sends nothing after", async () => {
    const { path } = randomFile(dir, "abort.bin", 512 * KiB);
    const controller = new AbortController();
    const dispatchedAfterAbort: string[] = [];
    const counting = new Agent().compose((dispatch) => (options, handler) => {
      if (controller.signal.aborted) dispatchedAfterAbort.push(`${options.method} ${options.path}`);
      return dispatch(options, handler);
    });
    const targetsAfterAbort: number[] = [];
    await startServer({ fault: (request) => (request.partNumber >= 3 ? "stall" : undefined) });
    const pending = uploadParts({
      source: await openSource(path),
      parts: plan(512 * KiB, 64 * KiB),
      concurrency: 2,
      retry: FAST_RETRY,
      dispatcher: counting,
      signal: controller.signal,
      target: (part) => {
        if (controller.signal.aborted) targetsAfterAbort.push(part.partNumber);
        return { url: server.url(part.partNumber) };
      },
      onProgress: (progress) => {
        if (progress.partsDone === 2 && !controller.signal.aborted) {
          setTimeout(() => controller.abort(), 50);
        }
      },
    });
    const error = await pending.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AbortError);
    expect((error as Error).name).toBe("AbortError");
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(dispatchedAfterAbort).toEqual([]);
    expect(targetsAfterAbort).toEqual([]);
    expect(server.requests.length).toBeLessThanOrEqual(4);
  });

  it("rejects at once when the signal is already aborted", async () => {
    const { path } = randomFile(dir, "pre.bin", KiB);
    await startServer();
    const pending = uploadParts({
      source: await openSource(path),
      parts: plan(KiB, KiB),
      target: () => ({ url: server.url(1) }),
      signal: AbortSignal.abort(),
    });
    await expect(pending).rejects.toMatchObject({ name: "AbortError" });
    expect(server.requests).toHaveLength(0);
  });

  it("never sends credential headers to a foreign-origin part URL", async () => {
    const { path } = randomFile(dir, "cred.bin", 2 * KiB);
    await startServer();
    const pending = uploadParts({
      source: await openSource(path),
      parts: plan(2 * KiB, KiB),
      credentialOrigin: "https://api.example.com",
      target: (part) => ({ url: server.url(part.partNumber), headers: { Authorization: "Bearer secret-token-123" } }),
    });
    const error = await pending.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toMatch(/Refusing to send credentials \(Authorization\)/);
    expect((error as Error).message).not.toContain("secret-token-123");
    expect(server.requests).toHaveLength(0);
  });

  it("sends credential headers to the API origin itself, and no other header leaks to presigned URLs", async () => {
    const { path, bytes } = randomFile(dir, "same.bin", 2 * KiB);
    await startServer();
    await uploadParts({
      source: await openSource(path),
      parts: plan(2 * KiB, KiB),
      credentialOrigin: server.origin,
      target: (part) => ({
        url: server.url(part.partNumber),
        headers: part.partNumber === 1 ? { apiKey: "k-123" } : ({} as Record<string, string>),
      }),
    });
    expect(server.objectSha256(2)).toBe(sha256(bytes));
    expect(server.requests.find((r) => r.partNumber === 1)?.headers.apikey).toBe("k-123");
    expect(server.requests.find((r) => r.partNumber === 2)?.headers).not.toHaveProperty("apikey");
    expect(server.requests.every((r) => r.headers.authorization === undefined)).toBe(true);
  });

  it("validates concurrency and completed parts before sending", async () => {
    const { path } = randomFile(dir, "input.bin", KiB);
    const source = await openSource(path);
    await startServer();
    const target = () => ({ url: server.url(1) });
    await expect(uploadParts({ source, parts: plan(KiB, KiB), target, concurrency: 0 })).rejects.toThrow(
      /concurrency must be a whole number ≥ 1, got 0/,
    );
    await expect(
      uploadParts({ source, parts: plan(KiB, KiB), target, completed: [{ partNumber: 9, etag: "x" }] }),
    ).rejects.toThrow(/Completed part 9 is not in the plan/);
    expect(server.requests).toHaveLength(0);
  });

  it("reads the ETag from a JSON body through the target's readEtag (API part endpoints)", async () => {
    const { path } = randomFile(dir, "json-etag.bin", 2 * KiB);
    const api = await startRecordingServer((request, response) =>
      sendJson(response, 200, { partNumber: Number(request.url.split("/").pop()), etag: `etag-${request.bodyMd5}` }),
    );
    try {
      const result = await uploadParts({
        source: await openSource(path),
        parts: plan(2 * KiB, KiB),
        target: (part) => ({
          url: `${api.origin}/v2/uploads/u1/parts/${part.partNumber}`,
          readEtag: (response) => (JSON.parse(response.body) as { etag?: string }).etag,
        }),
      });
      expect(result.map((p) => p.etag)).toEqual(
        api.requests.sort((a, b) => a.url.localeCompare(b.url)).map((r) => `etag-${r.bodyMd5}`),
      );
    } finally {
      await api.close();
    }
  });

  it("skips completed parts and returns them with the new ones", async () => {
    const { path } = randomFile(dir, "skip.bin", 4 * KiB);
    const result = await upload(await openSource(path), plan(4 * KiB, KiB), { completed: [{ partNumber: 2, etag: '"kept"' }] });
    expect(result.find((p) => p.partNumber === 2)?.etag).toBe('"kept"');
    expect(server.requests.map((r) => r.partNumber).sort()).toEqual([1, 3, 4]);
  });

  it("sends every byte of a file intact when the store reads slowly (read buffers are reused only once written)", async () => {
    const size = 12 * 1024 * KiB + 4321;
    const { path, bytes } = randomFile(dir, "slow.bin", size);
    const parts = plan(size, 3 * 1024 * KiB);
    for (const checksum of [false, true]) {
      await upload(await openSource(path), parts, { concurrency: 4, checksum }, () => "slow");
      expect(server.requests.length).toBe(parts.length);
      expect(server.objectSha256(parts.length)).toBe(sha256(bytes));
      await server.close();
    }
  });

  it("gives a fetch that holds on to chunks copies of the file's reused read buffers", async () => {
    const size = 3 * 1024 * KiB + 99;
    const { path, bytes } = randomFile(dir, "held.bin", size);
    // Collects the whole body before sending it: chunks it was given must not change afterwards.
    const holdingFetch = (async (url: string, init: RequestInit & { body?: AsyncIterable<Uint8Array> }) => {
      const held: Uint8Array[] = [];
      for await (const chunk of init.body ?? []) held.push(chunk);
      const { "content-length": _length, ...headers } = init.headers as Record<string, string>;
      return fetch(url, { method: init.method, headers, body: Buffer.concat(held) });
    }) as unknown as typeof fetch;
    const transport = new Transport({ fetch: holdingFetch, retry: FAST_RETRY });
    await upload(await openSource(path), plan(size, 2 * 1024 * KiB), { transport });
    expect(server.objectSha256(2)).toBe(sha256(bytes));
  });

  it("ends the upload with SOURCE_READ_FAILED when a source's stream fails before it is read, without crashing", async () => {
    const failing: UploadSource = {
      kind: "stream",
      size: 10,
      filename: "x.bin",
      contentType: "application/octet-stream",
      description: "failing stream",
      partBody: async () => ({
        open: () => {
          const stream = new Readable({ read() {} });
          process.nextTick(() => stream.destroy(new Error("disk gone")));
          return stream;
        },
        release: () => {},
      }),
      stream: () => Readable.from([]),
      fingerprint: async () => ({ kind: "stream", size: 10 }),
      assertUnchanged: async () => {},
    };
    const error = await upload(failing, plan(10, 10)).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).code).toBe("SOURCE_READ_FAILED");
    expect((error as Error).message).toContain("disk gone");
  });

  it("gives a dispatcher of the caller's copies too: its sockets may buffer more than a chunk", async () => {
    const size = 12 * 1024 * KiB + 1;
    const { path, bytes } = randomFile(dir, "buffered.bin", size);
    const parts = plan(size, 6 * 1024 * KiB);
    const dispatcher = new Agent({ connect: { highWaterMark: 16 * 1024 * KiB } as never });
    try {
      await upload(await openSource(path), parts, { dispatcher, checksum: false }, () => "slow");
      expect(server.objectSha256(parts.length)).toBe(sha256(bytes));
    } finally {
      await dispatcher.close();
    }
  });

  it("fails the upload when the file shrinks underneath it", async () => {
    const { path } = randomFile(dir, "shrink.bin", 8 * KiB);
    const source = await openSource(path);
    const { writeFileSync } = await import("node:fs");
    writeFileSync(path, Buffer.alloc(3 * KiB));
    await expect(upload(source, plan(8 * KiB, 2 * KiB))).rejects.toThrow(/changed during the upload/);
  });
});

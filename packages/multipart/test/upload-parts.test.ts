import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { IntegrityError, PartUploadError } from "../src/core/errors.js";
import { openSource } from "../src/core/sources/open-source.js";
import { uploadParts } from "../src/core/upload/upload-parts.js";
import { randomFile, sha256 } from "./support/files.js";
import type { Fault } from "./support/part-server.js";
import { dir, FAST_RETRY, KiB, plan, server, startServer, upload } from "./support/upload-parts-harness.js";

describe("uploadParts: byte-identical results", () => {
  const cases: [string, number, number][] = [
    ["1 byte", 1, 64 * KiB],
    ["exactly one part", 64 * KiB, 64 * KiB],
    ["part size - 1", 64 * KiB - 1, 64 * KiB],
    ["part size + 1", 64 * KiB + 1, 64 * KiB],
    ["17 parts", 17 * 64 * KiB - 100, 64 * KiB],
  ];
  for (const [name, size, partSize] of cases) {
    it(`uploads ${name} from a file`, async () => {
      const { path, bytes } = randomFile(dir, `${size}.bin`, size);
      const parts = plan(size, partSize);
      const result = await upload(await openSource(path), parts, { concurrency: 3 });
      expect(result.map((p) => p.partNumber)).toEqual(parts.map((p) => p.partNumber));
      expect(server.objectSha256(parts.length)).toBe(sha256(bytes));
      for (const request of server.requests)
        expect(request.headers["content-length"]).toBe(String(parts[request.partNumber - 1]?.size));
    });
  }

  it("uploads a stream source, holding at most `concurrency` parts", async () => {
    const { bytes } = randomFile(dir, "stream.bin", 300 * KiB + 7);
    const chunks = Array.from({ length: 31 }, (_, i) => bytes.subarray(i * 10 * KiB, (i + 1) * 10 * KiB));
    const source = await openSource({ stream: Readable.from(chunks), size: bytes.length });
    const parts = plan(bytes.length, 32 * KiB);
    let held = 0;
    let maxHeld = 0;
    const partBody = source.partBody.bind(source);
    source.partBody = async (part) => {
      const body = await partBody(part);
      maxHeld = Math.max(maxHeld, ++held);
      return {
        open: body.open,
        release: () => {
          held--;
          body.release();
        },
      };
    };
    await upload(source, parts, { concurrency: 3 });
    expect(server.objectSha256(parts.length)).toBe(sha256(bytes));
    expect(maxHeld).toBeLessThanOrEqual(3);
  });

  it("uploads bytes and a Blob", async () => {
    const { bytes } = randomFile(dir, "mem.bin", 100 * KiB);
    await upload(await openSource(bytes), plan(bytes.length, 30 * KiB));
    expect(server.objectSha256(4)).toBe(sha256(bytes));
    await server.close();
    await upload(await openSource(new Blob([bytes])), plan(bytes.length, 30 * KiB));
    expect(server.objectSha256(4)).toBe(sha256(bytes));
  });
});

describe("uploadParts: faults are retried per part", () => {
  const faults: [string, Fault][] = [
    ["connection reset mid-body", "reset"],
    ["500", { status: 500 }],
    ["503", { status: 503 }],
    ["429 + Retry-After", { status: 429, retryAfter: "0" }],
    ["a wrong ETag", "bad-etag"],
  ];
  for (const [name, fault] of faults) {
    it(`recovers from ${name}`, async () => {
      const { path, bytes } = randomFile(dir, "fault.bin", 200 * KiB);
      const parts = plan(bytes.length, 64 * KiB);
      const retries: number[] = [];
      await upload(await openSource(path), parts, { onRetry: (event) => retries.push(event.partNumber) }, (request) =>
        request.partNumber === 2 && request.attempt === 1 ? fault : undefined,
      );
      expect(server.objectSha256(parts.length)).toBe(sha256(bytes));
      expect(retries).toEqual([2]);
      expect(server.requests.filter((r) => r.partNumber === 2)).toHaveLength(2);
    });
  }

  it("retries a part whose connection is reset while the client is still writing it", async () => {
    const { path, bytes } = randomFile(dir, "write-reset.bin", 8 * 1024 * KiB);
    const parts = plan(bytes.length, 4 * 1024 * KiB);
    const reasons: string[] = [];
    await upload(await openSource(path), parts, { onRetry: (event) => reasons.push(event.reason) }, (request) =>
      request.partNumber === 1 && request.attempt === 1 ? "reset" : undefined,
    );
    expect(server.objectSha256(parts.length)).toBe(sha256(bytes));
    expect(reasons).toEqual([expect.stringMatching(/network error/)]);
  });

  it("aborts and retries a stalled part", async () => {
    const { path, bytes } = randomFile(dir, "stall.bin", 100 * KiB);
    const parts = plan(bytes.length, 64 * KiB);
    const reasons: string[] = [];
    await upload(
      await openSource(path),
      parts,
      { stallTimeoutMs: 300, onRetry: (event) => reasons.push(event.reason) },
      (request) => (request.partNumber === 1 && request.attempt === 1 ? "stall" : undefined),
    );
    expect(server.objectSha256(parts.length)).toBe(sha256(bytes));
    expect(reasons).toEqual([expect.stringContaining("stalled")]);
  });

  it("asks the target again after a 403 (expired URL) and uses the fresh URL", async () => {
    const { path, bytes } = randomFile(dir, "expired.bin", 100 * KiB);
    const parts = plan(bytes.length, 64 * KiB);
    const asked: { partNumber: number; refresh: boolean }[] = [];
    await startServer();
    await uploadParts({
      source: await openSource(path),
      parts,
      retry: FAST_RETRY,
      target: (part, context) => {
        asked.push({ partNumber: part.partNumber, refresh: context.refresh });
        return { url: server.url(part.partNumber, context.refresh || part.partNumber === 2 ? "fresh" : "expired") };
      },
    });
    expect(server.objectSha256(parts.length)).toBe(sha256(bytes));
    expect(asked).toContainEqual({ partNumber: 1, refresh: true });
    expect(asked.filter((a) => a.refresh)).toHaveLength(1);
  });

  it("fails after its bounded attempts with a typed error that hides the URL's signature", async () => {
    const { path } = randomFile(dir, "always.bin", 10 * KiB);
    const attempt = upload(await openSource(path), plan(10 * KiB, 4 * KiB), {}, (request) =>
      request.partNumber === 3 ? { status: 503 } : undefined,
    );
    const error = await attempt.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PartUploadError);
    expect(error).toMatchObject({ partNumber: 3, attempts: 4, status: 503, code: "PART_HTTP_503" });
    expect((error as Error).message).toContain("?<redacted>");
    expect((error as Error).message).not.toContain("X-Amz-Signature");
    expect(server.requests.filter((r) => r.partNumber === 3)).toHaveLength(4);
  });

  it("reports an ETag that never matches as an IntegrityError", async () => {
    const { path } = randomFile(dir, "integrity.bin", 10 * KiB);
    const error = await upload(await openSource(path), plan(10 * KiB, 10 * KiB), {}, () => "bad-etag").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IntegrityError);
    expect(error).toMatchObject({ code: "PART_ETAG_MISMATCH" });
  });

  it("does not retry a 4xx, a missing ETag or a redirect", async () => {
    const { path } = randomFile(dir, "fatal.bin", 1 * KiB);
    for (const [fault, message] of [
      [
        { status: 400, body: "<Error><Code>InvalidArgument</Code><Message>Bad part</Message></Error>" },
        /HTTP 400 \(InvalidArgument: Bad part\)/,
      ],
      ["no-etag", /no ETag.*CORS.*ETag to Access-Control-Expose-Headers/],
      ["redirect", /must not redirect/],
    ] as const) {
      const error = await upload(await openSource(path), plan(KiB, KiB), {}, () => fault).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PartUploadError);
      expect((error as Error).message).toMatch(message);
      expect(server.requests).toHaveLength(1);
      await server.close();
    }
  });

  it("obeys a Retry-After within retry.maxRetryAfterMs, and fails at once, naming the wait, on one above it", async () => {
    const { path, bytes } = randomFile(dir, "day.bin", KiB);
    const delays: number[] = [];
    await upload(await openSource(path), plan(KiB, KiB), { onRetry: (e) => delays.push(e.delayMs) }, (request) =>
      request.attempt === 1 ? { status: 429, retryAfter: "0.2" } : undefined,
    );
    expect(delays).toEqual([200]);
    expect(server.objectSha256(1)).toBe(sha256(bytes));
    await server.close();

    for (const retryAfter of ["86400", "0.201", new Date(Date.now() + 3_600_000).toUTCString()]) {
      delays.length = 0;
      const error = await upload(await openSource(path), plan(KiB, KiB), { onRetry: (e) => delays.push(e.delayMs) }, () => ({
        status: 503,
        retryAfter,
      })).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PartUploadError);
      expect(error).toMatchObject({ attempts: 1, status: 503 });
      expect((error as Error).message).toMatch(
        /asked to wait [\d.]+ (s|min)[^,]*, longer than retry\.maxRetryAfterMs \(0\.2 s\)/,
      );
      expect(delays).toEqual([]);
      expect(server.requests.filter((r) => r.partNumber === 1)).toHaveLength(1);
      await server.close();
    }
  });
});

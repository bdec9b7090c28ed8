import { writeFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { IntegrityError, SourceChangedError } from "../src/core/errors.js";
import { planParts } from "../src/core/plan-parts.js";
import { openSource } from "../src/core/sources/open-source.js";
import type { SourceDigest, UploadSource } from "../src/core/sources/upload-source.js";
import { DIGESTS_AHEAD } from "../src/core/transport/part-budget.js";
import { uploadParts } from "../src/core/upload/upload-parts.js";
import { randomFile, scratchDir, sha256 } from "./support/files.js";
import { type Fault, type PartRequest, startPartServer } from "./support/part-server.js";

const KiB = 1024;
const { dir, cleanup } = scratchDir();
afterAll(cleanup);

/** A file source whose range digests are counted: started per part, open now, most open at once. */
async function countingSource(path: string) {
  const source = await openSource(path);
  const startedFor = new Map<number, number>();
  const counts = { open: 0, mostOpen: 0, prioritized: 0 };
  const counting: UploadSource = Object.create(source);
  counting.digestRange = (start, end, algorithm) => {
    const digest = source.digestRange?.(start, end, algorithm);
    if (!digest) return undefined;
    startedFor.set(start, (startedFor.get(start) ?? 0) + 1);
    counts.open++;
    counts.mostOpen = Math.max(counts.mostOpen, counts.open);
    let open = true;
    const close = () => {
      if (open) counts.open--;
      open = false;
    };
    const counted: SourceDigest = {
      digest: () => digest.digest().finally(close),
      discard: () => {
        close();
        digest.discard();
      },
      prioritize: () => {
        counts.prioritized++;
        digest.prioritize?.();
      },
    };
    return counted;
  };
  return { source: counting, startedFor, counts };
}

async function upload(path: string, partSize: number, concurrency: number, fault?: (request: PartRequest) => Fault | undefined) {
  const server = await startPartServer({ fault });
  const { source, startedFor, counts } = await countingSource(path);
  const parts = planParts(source.size, { minPartSize: 1, maxPartSize: partSize, maxParts: 10_000, partSize });
  try {
    const outcome = await uploadParts({
      source,
      parts,
      concurrency,
      retry: { baseDelayMs: 1 },
      target: (part) => ({ url: server.url(part.partNumber) }),
    }).then(
      () => undefined,
      (error: unknown) => error,
    );
    return { outcome, server, parts, startedFor, counts };
  } finally {
    await server.close();
  }
}

describe("part MD5s started ahead of their parts (file sources hash ranges on a worker)", () => {
  it("starts each part's MD5 once, at most DIGESTS_AHEAD parts ahead, and every first attempt uses it", async () => {
    const { path, bytes } = randomFile(dir, "ahead.bin", 60 * KiB + 123);
    const { outcome, server, parts, startedFor, counts } = await upload(path, 2 * KiB, 3);
    expect(outcome).toBeUndefined();
    expect(server.objectSha256(parts.length)).toBe(sha256(bytes));
    // One digest per part (none started again by an attempt), each asked for when its part was sent.
    expect([...startedFor.values()]).toEqual(parts.map(() => 1));
    expect(counts.prioritized).toBe(parts.length);
    // Parts in flight, plus the DIGESTS_AHEAD after the newest of them.
    expect(counts.mostOpen).toBeLessThanOrEqual(3 + DIGESTS_AHEAD);
    expect(counts.mostOpen).toBeGreaterThan(3);
    expect(counts.open).toBe(0);
  });

  it("a retried part's second attempt gets a digest of its own; the ETags are still checked against the file", async () => {
    const { path, bytes } = randomFile(dir, "retried.bin", 20 * KiB);
    const reset = await upload(path, 2 * KiB, 2, (request) =>
      request.partNumber === 4 && request.attempt === 1 ? "reset" : undefined,
    );
    expect(reset.outcome).toBeUndefined();
    expect(reset.server.objectSha256(reset.parts.length)).toBe(sha256(bytes));
    expect(reset.startedFor.get(3 * 2 * KiB)).toBe(2);
    expect(reset.counts.open).toBe(0);

    const wrong = await upload(path, 2 * KiB, 2, (request) => (request.partNumber === 5 ? "bad-etag" : undefined));
    expect(wrong.outcome).toBeInstanceOf(IntegrityError);
    expect(wrong.outcome).toMatchObject({ code: "PART_ETAG_MISMATCH" });
  });

  it("an upload that fails leaves no digest started ahead behind", async () => {
    const { path } = randomFile(dir, "fails.bin", 40 * KiB);
    const { outcome, counts } = await upload(path, 2 * KiB, 2, (request) =>
      request.partNumber === 3 ? { status: 400, body: "<Error><Code>InvalidRequest</Code></Error>" } : undefined,
    );
    expect(outcome).toBeInstanceOf(Error);
    expect(counts.mostOpen).toBeGreaterThan(2);
    expect(counts.open).toBe(0);
  });

  it("a file rewritten after a part's MD5 was taken ahead does not upload as if unchanged", async () => {
    const { path, bytes } = randomFile(dir, "changes.bin", 24 * KiB);
    const server = await startPartServer();
    const { source } = await countingSource(path);
    const parts = planParts(source.size, { minPartSize: 1, maxPartSize: 2 * KiB, maxParts: 100, partSize: 2 * KiB });
    let changed = false;
    const outcome = await uploadParts({
      source,
      parts,
      concurrency: 1,
      retry: { maxAttempts: 1 },
      target: (part) => {
        // Part 3's MD5 was started when part 2 started; rewrite part 3's bytes (same size) before it is sent.
        if (part.partNumber === 3 && !changed) {
          changed = true;
          const rewritten = Buffer.from(bytes);
          rewritten.fill(0x5a, 4 * KiB, 6 * KiB);
          writeFileSync(path, rewritten);
        }
        return { url: server.url(part.partNumber) };
      },
    }).then(
      () => undefined,
      (error: unknown) => error,
    );
    await server.close();
    expect(changed).toBe(true);
    // Either the part's ETag (the new bytes) differs from the MD5 read ahead (the old ones), or the file's changed
    // modification time is noticed at the end: never a success.
    expect(outcome instanceof IntegrityError || outcome instanceof SourceChangedError).toBe(true);
  });
});

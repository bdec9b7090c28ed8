import { afterAll, describe, expect, it } from "vitest";
import { planParts } from "../src/core/plan-parts.js";
import { openSource } from "../src/core/sources/open-source.js";
import { uploadParts } from "../src/core/upload/upload-parts.js";
import { randomFile, scratchDir, sha256 } from "./support/files.js";
import { startPartServer } from "./support/part-server.js";

const KiB = 1024;
const { dir, cleanup } = scratchDir();
afterAll(cleanup);

/** A resolver that answers after a pause, as an API round trip would, and records what it was asked. */
function slowResolver(url: (partNumber: number, refresh: boolean) => string, seen: () => number = () => 0) {
  const calls: { partNumber: number; attempt: number; refresh: boolean; requestsSoFar: number }[] = [];
  const resolved = new Set<number>();
  return {
    calls,
    resolved,
    target: async (part: { partNumber: number }, context: { attempt: number; refresh: boolean }) => {
      calls.push({ partNumber: part.partNumber, attempt: context.attempt, refresh: context.refresh, requestsSoFar: seen() });
      await new Promise((resolve) => setImmediate(resolve));
      resolved.add(part.partNumber);
      return { url: url(part.partNumber, context.refresh) };
    },
  };
}

describe("part targets are resolved ahead of need", () => {
  it("uses every prefetched target once, never holds more than `concurrency` unused, and uploads intact", async () => {
    const server = await startPartServer();
    try {
      const { path, bytes } = randomFile(dir, "prefetch.bin", 40 * KiB);
      const source = await openSource(path);
      const parts = planParts(source.size, { minPartSize: KiB, maxPartSize: KiB, maxParts: 100 });
      const resolver = slowResolver(
        (n) => server.url(n),
        () => server.requests.length,
      );
      let mostUnused = 0;
      const started = new Set<number>();
      await uploadParts({
        source,
        parts,
        concurrency: 3,
        target: async (part, context) => {
          const target = await resolver.target(part, context);
          started.add(part.partNumber);
          return target;
        },
        onProgress: () => {
          const sent = new Set(server.requests.map((r) => r.partNumber));
          const unused = [...resolver.resolved].filter((n) => !sent.has(n)).length;
          mostUnused = Math.max(mostUnused, unused);
        },
      });
      expect(resolver.calls).toHaveLength(parts.length);
      // Parts 1-3 start at once and each prefetches the next three: part 6's URL is asked before any part is sent.
      expect(resolver.calls.find((c) => c.partNumber === 6)?.requestsSoFar).toBe(0);
      expect(new Set(resolver.calls.map((c) => c.partNumber)).size).toBe(parts.length);
      expect(mostUnused).toBeLessThanOrEqual(3 + 3);
      expect(server.objectSha256(parts.length)).toBe(sha256(bytes));
    } finally {
      await server.close();
    }
  });

  it("a prefetched URL that expired before use is refreshed (403 → a fresh target), not retried as it was", async () => {
    const server = await startPartServer();
    try {
      const { path, bytes } = randomFile(dir, "expired.bin", 12 * KiB);
      const source = await openSource(path);
      const parts = planParts(source.size, { minPartSize: KiB, maxPartSize: KiB, maxParts: 100 });
      // Every URL handed out before its part starts is already expired; fresh ones are good.
      const resolver = slowResolver((n, refresh) => server.url(n, refresh ? undefined : "expired"));
      await uploadParts({ source, parts, concurrency: 2, target: resolver.target, retry: { baseDelayMs: 1 } });
      expect(server.objectSha256(parts.length)).toBe(sha256(bytes));
      const refreshed = resolver.calls.filter((c) => c.refresh).map((c) => c.partNumber);
      expect(new Set(refreshed)).toEqual(new Set(parts.map((p) => p.partNumber)));
    } finally {
      await server.close();
    }
  });
});

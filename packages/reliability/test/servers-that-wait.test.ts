// What real stores and servers answer that still broke uploads, part two (stores-and-servers.test.ts has part one):
// Retry-After beyond the bound, hashing of many queued files, and servers that read a request and never answer.
import { readdirSync, readlinkSync } from "node:fs";
import { join } from "node:path";
import { ApiError, PartUploadError, type TransportEvent, UploadkitError } from "@uploadkit/multipart";
import { describe, expect, it } from "vitest";
import { apiProxy, silentOn, withProxy } from "./support/proxy.js";
import { COMMON, client, dir, FAST, KiB, mp4, sandbox, sha256, store, storedSha, viaStore } from "./support/stores-harness.js";

describe("retry.maxRetryAfterMs: a longer wait asked for fails at once, naming it; a shorter one is obeyed", () => {
  const asks = [
    ["seconds", "3600", /asked to wait 60 min/],
    ["an HTTP date", new Date(Date.now() + 2 * 3_600_000).toUTCString(), /asked to wait (119|120) min/],
    ["one second over the bound", "2", /asked to wait 2 s/],
  ] as const;

  it.each(asks)("an API call answered 429 with Retry-After in %s", async (_, retryAfter, wait) => {
    let seen = 0;
    const events: TransportEvent[] = [];
    const error = await withProxy(
      {
        target: sandbox.record360.baseUrl,
        intercept: () => {
          seen++;
          return { status: 429, headers: { "retry-after": retryAfter }, body: '{"error":"slow down"}' };
        },
      },
      (origin) =>
        client(
          "record360",
          { retry: { ...FAST.retry, maxRetryAfterMs: 1000 }, onRetry: (e: TransportEvent) => events.push(e) },
          origin,
        ).uploadMedia(mp4(4 * KiB).path, COMMON),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 429, kind: "rate_limit" });
    expect((error as Error).message).toMatch(wait);
    expect((error as Error).message).toMatch(/longer than retry\.maxRetryAfterMs \(1 s\)/);
    expect(seen).toBe(1);
    expect(events).toHaveLength(0);
  });

  it.each(asks)("a part answered 503 with Retry-After in %s", async (_, retryAfter, wait) => {
    let puts = 0;
    const error = await withProxy(
      store((req) => {
        if (req.method !== "PUT") return undefined;
        puts++;
        return { status: 503, headers: { "retry-after": retryAfter } };
      }),
      (storeOrigin) =>
        viaStore(storeOrigin, (origin) =>
          client("record360", { retry: { ...FAST.retry, maxRetryAfterMs: 1000 } }, origin).uploadMedia(mp4(4 * KiB).path, COMMON),
        ),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PartUploadError);
    expect((error as Error).message).toMatch(wait);
    expect(puts).toBe(1);
  });

  it("a Retry-After within the bound is waited out, and the upload completes", async () => {
    const { path, bytes } = mp4(4 * KiB);
    const events: TransportEvent[] = [];
    const result = await withProxy(
      {
        target: sandbox.fanvue.baseUrl,
        intercept: (_req, count) => (count === 1 ? { status: 429, headers: { "retry-after": "0.05" } } : undefined),
      },
      (origin) =>
        client(
          "fanvue",
          { retry: { ...FAST.retry, maxRetryAfterMs: 1000 }, onRetry: (e: TransportEvent) => events.push(e) },
          origin,
        ).uploadMedia(path, COMMON),
    );
    expect(events).toEqual([expect.objectContaining({ delayMs: 50 })]);
    expect(await storedSha("fanvue", result.id)).toBe(sha256(bytes));
  });
});

describe("hashing waits for the shared part budget", () => {
  it("uploadMany of 200 queued files: at most concurrency + 4 look-ahead MD5 ranges (and descriptors) open at once", async () => {
    const folder = join(dir, "queued");
    const { mkdirSync } = await import("node:fs");
    mkdirSync(folder);
    const files = Array.from({ length: 200 }, () => mp4(96 * KiB, folder));
    // Descriptors open on the queued files, by this process and its hashing worker, sampled as every part moves.
    let most = 0;
    const openOnFiles = () => {
      let open = 0;
      for (const fd of readdirSync("/proc/self/fd")) {
        try {
          if (readlinkSync(`/proc/self/fd/${fd}`).startsWith(folder)) open++;
        } catch {}
      }
      most = Math.max(most, open);
    };
    const concurrency = 4;
    const outcomes = await client("ofauth").uploadMany(
      files.map((file) => ({ input: file.path, options: { ...COMMON, onProgress: openOnFiles } })),
      { concurrency, filesConcurrency: 16 },
    );
    expect(outcomes.filter((outcome) => !outcome.ok).slice(0, 1)).toEqual([]);
    for (const [index, outcome] of outcomes.slice(0, 10).entries()) {
      if (outcome.ok) expect(await storedSha("ofauth", outcome.result.id)).toBe(sha256(files[index]?.bytes as Buffer));
    }
    // Per part in flight: its read and its MD5 range; plus the four look-ahead ranges shared by all files; plus a few
    // files being opened (their edges read). Measured: 5. Before hashing waited for the budget, every file in flight
    // started its next five MD5s before waiting for a slot: 29 here, up to 16 files × 5 ranges.
    console.log(`most descriptors open on the queued files: ${most}`);
    expect(most).toBeGreaterThan(0);
    expect(most).toBeLessThanOrEqual(2 * concurrency + 4 + 4);
  });
});

describe("timeoutMs bounds the wait for every answer, once the request is sent", () => {
  it.each([
    ["record360", "GET", FAST.retry.maxAttempts],
    ["fanvue", "POST", 1],
  ] as const)(
    "an API call (%s's first, a %s) to a server that reads it and never answers: API_TIMEOUT, sent %i time(s)",
    async (provider, method, times) => {
      let seen = 0;
      const error = await withProxy(
        {
          target: sandbox[provider].baseUrl,
          intercept: (req) => {
            expect(req.method).toBe(method);
            seen++;
            return "silent";
          },
        },
        (origin) => client(provider, { timeoutMs: 300, stallTimeoutMs: 60_000 }, origin).uploadMedia(mp4(4 * KiB).path, COMMON),
      ).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: "API_TIMEOUT" });
      expect((error as Error).message).toMatch(/no response within 300 ms/);
      expect(seen).toBe(times);
    },
  );

  it("a part PUT to a store that reads it and never answers: retried (repeatable), then a PartUploadError", async () => {
    const silent = silentOn("PUT");
    const error = await withProxy(store(silent.intercept), (storeOrigin) =>
      viaStore(storeOrigin, (origin) =>
        client("record360", { timeoutMs: 300, stallTimeoutMs: 60_000 }, origin).uploadMedia(mp4(64 * KiB).path, COMMON),
      ),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PartUploadError);
    expect((error as Error).message).toMatch(/no answer within 300 ms after the request was sent \(timeoutMs\)/);
    expect(silent.count()).toBe(FAST.retry.maxAttempts);
  });

  it("OFAuth's single PUT (not repeatable): asks the vault before sending again, and ends with API_TIMEOUT", async () => {
    const silent = silentOn("PUT");
    const error = await apiProxy(sandbox, "ofauth", { intercept: silent.intercept })
      .run((origin) =>
        client("ofauth", { timeoutMs: 300, stallTimeoutMs: 60_000 }, origin).uploadMedia(mp4(4 * KiB).path, COMMON),
      )
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UploadkitError);
    expect(error).toMatchObject({ code: "API_TIMEOUT" });
    expect((error as Error).message).toMatch(/no answer within 300 ms/);
    expect(silent.count()).toBeGreaterThanOrEqual(1);
    expect(silent.count()).toBeLessThanOrEqual(FAST.retry.maxAttempts);
  });

  it("Flowkiwi's form-data POST (not repeatable): API_TIMEOUT after one attempt", async () => {
    const silent = silentOn("POST");
    const error = await withProxy(
      {
        target: sandbox.flowkiwi.baseUrl,
        intercept: silent.intercept,
      },
      (origin) => client("flowkiwi", { timeoutMs: 300, stallTimeoutMs: 60_000 }, origin).uploadMedia(mp4(64 * KiB).path, COMMON),
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "API_TIMEOUT" });
    expect((error as Error).message).toMatch(/no answer within 300 ms after the request was sent \(timeoutMs\)/);
    expect(silent.count()).toBe(1);
  });

  it("Flowkiwi with retryUnsafe: the POST is sent again per the policy", async () => {
    const silent = silentOn("POST");
    const error = await withProxy(
      {
        target: sandbox.flowkiwi.baseUrl,
        intercept: silent.intercept,
      },
      (origin) =>
        client("flowkiwi", { timeoutMs: 300, stallTimeoutMs: 60_000 }, origin).uploadMedia(mp4(4 * KiB).path, {
          ...COMMON,
          retryUnsafe: true,
        }),
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "API_TIMEOUT" });
    expect(silent.count()).toBe(FAST.retry.maxAttempts);
  });
});

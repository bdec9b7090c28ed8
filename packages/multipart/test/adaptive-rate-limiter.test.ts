import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it, vi } from "vitest";
import { AdaptiveRateLimiter } from "../src/core/transport/adaptive-rate-limiter.js";
import { Transport } from "../src/core/transport/transport.js";

describe("AdaptiveRateLimiter", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  /** A limiter on a clock the test moves (vitest's fake timers move performance.now with setTimeout). */
  function onFakeClock() {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "performance"] });
    return new AdaptiveRateLimiter();
  }

  it("holds nothing back until the API refuses a call", async () => {
    const limiter = onFakeClock();
    for (let n = 0; n < 500; n++) await limiter.acquire();
    expect(limiter.stats).toMatchObject({ calls: 500, refused: 0, waitedMs: 0, rate: undefined });
  });

  it("after a 429 every call waits out Retry-After, then goes at 0.7 × the measured rate, growing back while accepted", async () => {
    const limiter = onFakeClock();
    // 100 calls/s for two seconds, then a refusal asking to wait 1 s.
    let sentAt = 0;
    for (let n = 0; n < 200; n++) {
      sentAt = await limiter.acquire();
      limiter.succeeded();
      await vi.advanceTimersByTimeAsync(10);
    }
    limiter.refused(sentAt, 1000);
    const afterCut = limiter.stats.rate as number;
    expect(afterCut).toBeGreaterThan(50);
    expect(afterCut).toBeLessThan(80);

    // Nothing goes during the second asked for.
    let released = 0;
    const waiting = Array.from({ length: 5 }, () => limiter.acquire().then(() => released++));
    await vi.advanceTimersByTimeAsync(990);
    expect(released).toBe(0);
    await vi.advanceTimersByTimeAsync(2000);
    await Promise.all(waiting);
    expect(released).toBe(5);
    expect(limiter.stats.waitedMs).toBeGreaterThanOrEqual(1000);

    // Paced at the cut rate: 10 s of calls as fast as allowed lets through about rate × 10 s, not more.
    const start = limiter.stats.calls;
    let stop = false;
    const pump = (async () => {
      while (!stop) {
        await limiter.acquire();
        limiter.succeeded();
      }
    })();
    await vi.advanceTimersByTimeAsync(10_000);
    stop = true;
    await vi.advanceTimersByTimeAsync(1000);
    await pump;
    const sent = limiter.stats.calls - start;
    expect(sent).toBeLessThan(afterCut * 10 * 2.5);
    expect(sent).toBeGreaterThan(afterCut * 10 * 0.5);
    // Accepted calls grew the rate back (CUBIC probes past the last limit after K seconds).
    expect(limiter.stats.rate as number).toBeGreaterThan(afterCut);
  });

  it("refusals of calls sent before the last cut are one event: the rate is cut once, not once per refusal", async () => {
    const limiter = onFakeClock();
    const sent: number[] = [];
    for (let n = 0; n < 100; n++) {
      sent.push(await limiter.acquire());
      await vi.advanceTimersByTimeAsync(10);
    }
    limiter.refused(sent[99] as number, undefined);
    const once = limiter.stats.rate as number;
    for (const at of sent.slice(80, 99)) limiter.refused(at, undefined);
    expect(limiter.stats.rate).toBe(once);
    expect(limiter.stats.refused).toBe(20);
  });

  it("maxCallsPerSecond is a ceiling from the first call; an abort while waiting rejects and frees the queue", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "performance"] });
    const limiter = new AdaptiveRateLimiter({ maxCallsPerSecond: 10 });
    let through = 0;
    const all = Array.from({ length: 30 }, () => limiter.acquire().then(() => through++));
    await vi.advanceTimersByTimeAsync(1000);
    expect(through).toBeLessThanOrEqual(13);
    await vi.advanceTimersByTimeAsync(3000);
    await Promise.all(all);
    const controller = new AbortController();
    const busy = Array.from({ length: 20 }, () => limiter.acquire().catch(() => "x"));
    const aborted = limiter.acquire(controller.signal);
    controller.abort();
    await expect(aborted).rejects.toMatchObject({ name: "AbortError" });
    await vi.advanceTimersByTimeAsync(5000);
    await Promise.all(busy);
    expect(() => new AdaptiveRateLimiter({ maxCallsPerSecond: 0 })).toThrow(/maxCallsPerSecond/);
  });
});

describe("Transport with a rate limit", () => {
  let server: Server | undefined;
  afterEach(async () => {
    await new Promise((resolve) => server?.close(resolve));
  });

  it("a 429 does not use up an attempt; past maxRefusals the call's own attempts end in the API's 429", async () => {
    let calls = 0;
    let refuseFirst = 3;
    server = createServer((_req, res) => {
      calls++;
      if (refuseFirst-- > 0) return void res.writeHead(429, { "retry-after": "0", "content-type": "application/json" }).end("{}");
      res.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}');
    });
    await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const limiter = new AdaptiveRateLimiter();
    const transport = new Transport({ apiOrigin: origin, retry: { maxAttempts: 2 }, rateLimit: { limiter, maxRefusals: 5 } });
    const answer = await transport.fetch(new Request(`${origin}/x`));
    expect(answer.status).toBe(200);
    expect(calls).toBe(4);
    expect(limiter.stats.refused).toBe(3);

    refuseFirst = 100;
    // maxRefusals refusals, then the call's own attempts (2, with backoff) end in the API's 429.
    const strict = new Transport({ apiOrigin: origin, retry: { maxAttempts: 2, baseDelayMs: 1 }, rateLimit: { maxRefusals: 2 } });
    const refused = await strict.fetch(new Request(`${origin}/x`));
    expect(refused.status).toBe(429);
    expect(strict.rateLimiter?.stats.refused).toBe(4);
    // With retry.maxAttempts 1 nothing is sent twice, refusals included.
    const once = new Transport({ apiOrigin: origin, retry: { maxAttempts: 1 } });
    const before = calls;
    expect((await once.fetch(new Request(`${origin}/x`))).status).toBe(429);
    expect(calls - before).toBe(1);

    const off = new Transport({ apiOrigin: origin, retry: { maxAttempts: 1 }, rateLimit: false });
    expect(off.rateLimiter).toBeUndefined();
    // Refused at the first call, the limiter knows no rate but one call: it starts slow and grows back (seconds).
  }, 60_000);
});

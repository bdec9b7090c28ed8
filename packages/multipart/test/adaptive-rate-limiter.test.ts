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

  it("after a 429 calls are paced at 0.97 × what the API accepted in the last second, back near it within a second, then probing above", async () => {
    const limiter = onFakeClock();
    // 100 calls/s accepted for two seconds, then a refusal.
    let sentAt = 0;
    for (let n = 0; n < 200; n++) {
      sentAt = await limiter.acquire();
      limiter.succeeded();
      await vi.advanceTimersByTimeAsync(10);
    }
    limiter.refused(sentAt, 1000);
    const afterCut = limiter.stats.rate as number;
    // 0.97 × the ~100 calls accepted in the last second (ten tenths counted, the current one partial).
    expect(afterCut).toBeGreaterThan(85);
    expect(afterCut).toBeLessThanOrEqual(97);

    // Other calls are not held for the refused call's Retry-After: the next goes within a slot of the cut rate.
    let released = 0;
    const waiting = Array.from({ length: 5 }, () => limiter.acquire().then(() => released++));
    await vi.advanceTimersByTimeAsync(100);
    expect(released).toBe(5);
    await Promise.all(waiting);

    // Paced: 5 s of calls as fast as allowed lets through about rate × 5 s — not a burst, not far above the peak.
    const start = limiter.stats.calls;
    let stop = false;
    const pump = (async () => {
      while (!stop) {
        await limiter.acquire();
        limiter.succeeded();
      }
    })();
    await vi.advanceTimersByTimeAsync(5000);
    stop = true;
    await vi.advanceTimersByTimeAsync(1000);
    await pump;
    const sent = limiter.stats.calls - start;
    expect(sent).toBeGreaterThan(afterCut * 5 * 0.9);
    expect(sent).toBeLessThan(afterCut * 5 * 1.3);
    // Accepted calls brought the rate back above the cut (probing past the last peak after about a second).
    expect(limiter.stats.rate as number).toBeGreaterThan(afterCut);
    expect(limiter.stats.waitedMs).toBeGreaterThan(0);
  });

  it("a dip in what was accepted is not taken for the limit: the last peak, lowered by a tenth, stands", async () => {
    const limiter = onFakeClock();
    let sentAt = 0;
    for (let n = 0; n < 100; n++) {
      sentAt = await limiter.acquire();
      limiter.succeeded();
      await vi.advanceTimersByTimeAsync(10);
    }
    limiter.refused(sentAt, undefined);
    const first = limiter.stats.rate as number;
    // Two quiet seconds (nothing to send), then a refusal: no calls were accepted in the last second.
    await vi.advanceTimersByTimeAsync(2000);
    limiter.refused(await limiter.acquire(), undefined);
    expect(limiter.stats.rate as number).toBeGreaterThan(0.85 * first);
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

    // A refused call waits its own Retry-After before it is sent again; the limiter does not hold it.
    refuseFirst = 1;
    const times: number[] = [];
    server.removeAllListeners("request");
    server.on("request", (_req, res) => {
      times.push(performance.now());
      if (refuseFirst-- > 0) return void res.writeHead(429, { "retry-after": "1", "content-type": "application/json" }).end("{}");
      res.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}');
    });
    const waits = new Transport({
      apiOrigin: origin,
      retry: { maxAttempts: 2 },
      rateLimit: { limiter: new AdaptiveRateLimiter() },
    });
    expect((await waits.fetch(new Request(`${origin}/x`))).status).toBe(200);
    expect(times).toHaveLength(2);
    expect((times[1] as number) - (times[0] as number)).toBeGreaterThanOrEqual(990);

    const off = new Transport({ apiOrigin: origin, retry: { maxAttempts: 1 }, rateLimit: false });
    expect(off.rateLimiter).toBeUndefined();
    // Refused at the first call, the limiter knows no rate but one call: it starts slow and grows back (seconds).
  }, 60_000);
});

import { describe, expect, it } from "vitest";
import { backoffDelay, isRetryableStatus, nextDelay, resolveRetry, serverRequestedDelay } from "../src/core/retry-policy.js";

describe("retry policy", () => {
  const now = Date.parse("2026-11-21T12:00:00Z");

  it("reads the wait a server asks for: Retry-After seconds, Retry-After date, X-RateLimit-Reset", () => {
    expect(serverRequestedDelay({ "retry-after": "7" }, now)).toBe(7000);
    expect(serverRequestedDelay(new Headers({ "Retry-After": "Sat, 21 Nov 2026 12:00:30 GMT" }), now)).toBe(30_000);
    expect(serverRequestedDelay({ "x-ratelimit-reset": String(now / 1000 + 12) }, now)).toBe(12_000);
    expect(serverRequestedDelay({ "x-ratelimit-reset": "5" }, now)).toBe(5000);
    // A reset time is an ask to wait only once the limit is used up, not beside requests still remaining.
    expect(serverRequestedDelay({ "x-ratelimit-reset": "5", "x-ratelimit-remaining": "0" }, now)).toBe(5000);
    expect(serverRequestedDelay({ "x-ratelimit-reset": "5", "x-ratelimit-remaining": "17" }, now)).toBeUndefined();
    expect(serverRequestedDelay({ "retry-after": "2", "x-ratelimit-remaining": "17" }, now)).toBe(2000);
    expect(serverRequestedDelay({ "retry-after": "soon" }, now)).toBeUndefined();
    expect(serverRequestedDelay({}, now)).toBeUndefined();
  });

  it("honours a server's wait up to maxRetryAfterMs, else backs off with full jitter", () => {
    const retry = resolveRetry({ baseDelayMs: 100, maxDelayMs: 1000, maxRetryAfterMs: 60_000 });
    expect(nextDelay(1, retry, 86_400_000)).toBe(60_000);
    expect(nextDelay(1, retry, 2500)).toBe(2500);
    expect(backoffDelay(1, retry, () => 1)).toBe(100);
    expect(backoffDelay(3, retry, () => 1)).toBe(400);
    expect(backoffDelay(10, retry, () => 1)).toBe(1000);
    expect(backoffDelay(3, retry, () => 0)).toBe(0);
  });

  it("retries only what is worth retrying", () => {
    expect([408, 425, 429, 500, 502, 503, 504].every(isRetryableStatus)).toBe(true);
    expect([400, 401, 403, 404, 409, 410, 422].some(isRetryableStatus)).toBe(false);
  });

  it("refuses nonsensical options with a clear message", () => {
    expect(() => resolveRetry({ maxAttempts: 0 })).toThrow(/retry.maxAttempts must be a whole number ≥ 1, got 0/);
    expect(() => resolveRetry({ baseDelayMs: -1 })).toThrow(/retry.baseDelayMs must be a whole number ≥ 0/);
    expect(() => resolveRetry({ maxDelayMs: 1.5 })).toThrow(/retry.maxDelayMs must be a whole number ≥ 0, got 1.5/);
  });
});

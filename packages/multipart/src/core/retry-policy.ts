import { assertOptions, type OptionKind } from "./argument-checks.js";
import { AbortError } from "./errors.js";

/** How failed requests are retried (all whole numbers; see DEFAULT_RETRY). */
export interface RetryOptions {
  /** Attempts per part or API call, first one included. Default 4. */
  maxAttempts?: number;
  /** First backoff ceiling; doubles each attempt (full jitter). Default 300 ms. */
  baseDelayMs?: number;
  /** Largest backoff. Default 20 s. */
  maxDelayMs?: number;
  /**
   * A server's Retry-After (or X-RateLimit-Reset) is obeyed up to this wait; an answer asking to wait longer fails at
   * once — an ApiError or PartUploadError whose message names the wait asked for — instead of hanging. Default 60 s.
   */
  maxRetryAfterMs?: number;
}

export type ResolvedRetryOptions = Required<RetryOptions>;

/** The retry policy when none is given: 4 attempts, 300 ms first backoff, 20 s cap, Retry-After up to 60 s. */
export const DEFAULT_RETRY: ResolvedRetryOptions = {
  maxAttempts: 4,
  baseDelayMs: 300,
  maxDelayMs: 20_000,
  maxRetryAfterMs: 60_000,
};

/** What each retry option must be. */
const RETRY_OPTIONS: Readonly<Record<keyof ResolvedRetryOptions, OptionKind>> = {
  maxAttempts: 1,
  baseDelayMs: 0,
  maxDelayMs: 0,
  maxRetryAfterMs: 0,
};

export function resolveRetry(options: RetryOptions | undefined): ResolvedRetryOptions {
  assertOptions(options, "retry", RETRY_OPTIONS, { prefix: "retry." });
  const given = Object.entries(options ?? {}).filter(([, value]) => value !== undefined);
  return { ...DEFAULT_RETRY, ...Object.fromEntries(given) };
}

/** 408, 425, 429 and 5xx are worth another try; the rest are not. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 425 || status === 429 || status >= 500;
}

/** Full-jitter exponential backoff for the attempt that just failed (1-based). */
export function backoffDelay(attempt: number, retry: ResolvedRetryOptions, random: () => number = Math.random): number {
  const ceiling = Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(random() * ceiling);
}

/**
 * The wait a server asked for, in ms: `Retry-After` (seconds or HTTP date), else `X-RateLimit-Reset` (Unix seconds)
 * when the rate limit is used up (`X-RateLimit-Remaining` 0, or not sent): a reset time beside requests still
 * remaining is when the window refills, not an ask to wait. Undefined when neither is usable.
 */
export function serverRequestedDelay(
  headers: Headers | Record<string, string | string[] | undefined>,
  now = Date.now(),
): number | undefined {
  const get = (name: string) => {
    if (headers instanceof Headers) return headers.get(name) ?? undefined;
    const value = headers[name] ?? headers[name.toLowerCase()];
    return Array.isArray(value) ? value[0] : value;
  };
  const retryAfter = get("retry-after")?.trim();
  if (retryAfter) {
    if (/^\d+(\.\d+)?$/.test(retryAfter)) return Math.round(Number(retryAfter) * 1000);
    const date = Date.parse(retryAfter);
    if (!Number.isNaN(date)) return Math.max(0, date - now);
  }
  const reset = get("x-ratelimit-reset")?.trim();
  const remaining = get("x-ratelimit-remaining")?.trim();
  if (reset && /^\d+$/.test(reset) && (remaining === undefined || remaining === "" || Number(remaining) <= 0)) {
    const seconds = Number(reset);
    // Unix seconds when large; some servers send "seconds from now".
    return seconds > 1_000_000_000 ? Math.max(0, seconds * 1000 - now) : seconds * 1000;
  }
  return undefined;
}

/** The delay before the next attempt: the server's ask (the transport fails asks over `maxRetryAfterMs`), else backoff. */
export function nextDelay(attempt: number, retry: ResolvedRetryOptions, requestedMs: number | undefined): number {
  if (requestedMs !== undefined) return Math.min(requestedMs, retry.maxRetryAfterMs);
  return backoffDelay(attempt, retry);
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new AbortError(undefined, { cause: signal.reason }));
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new AbortError(undefined, { cause: signal?.reason }));
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

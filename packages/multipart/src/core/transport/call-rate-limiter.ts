/** What a rate limiter has done so far. */
export interface RateLimitStats {
  /** API calls let through (first attempts and retries). */
  calls: number;
  /** Calls the API refused with 429 (each slowed every call down). */
  refused: number;
  /** Milliseconds during which at least one call was held back (wall-clock time, not a sum per call). */
  waitedMs: number;
  /** Calls per second now allowed; undefined while the API has not refused any (no limit applied). */
  rate: number | undefined;
}

/**
 * What the transport asks of a rate limiter: `AdaptiveRateLimiter` (one process), or one shared by many processes
 * (`redisRateLimiter` of `@uploadkit/redis`: one limit for an account, whichever machine calls).
 */
export interface CallRateLimiter {
  /** What it has done so far (in this process). */
  readonly stats: RateLimitStats;
  /** Resolves when a call may be sent, with the time it was let through (passed back to `refused`); an abort rejects. */
  acquire(signal?: AbortSignal): Promise<number>;
  /** The API accepted a call. */
  succeeded(): void;
  /** The API refused (429) a call let through at `sentAt`, asking to wait `retryAfterMs` if it said. */
  refused(sentAt: number, retryAfterMs: number | undefined): void;
}

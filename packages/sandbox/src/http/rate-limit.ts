/**
 * The sandbox's rate limit, as a provider's API enforces one: at most `callsPerSecond` calls accepted in any second
 * (a sliding window), the rest refused with 429 and `Retry-After`. Refused calls do not count against the window.
 */
export interface RateLimitSettings {
  /** Calls accepted per second by each fake API; 0 turns the limit off. Default 0. */
  callsPerSecond: number;
  /** The `Retry-After` a refusal carries, in whole seconds. Default 1. */
  retryAfterSeconds: number;
}

export const RATE_LIMIT_DEFAULTS: RateLimitSettings = { callsPerSecond: 0, retryAfterSeconds: 1 };

/** What the limit did, across the fakes. */
export interface RateLimitCounts {
  /** Calls the fakes accepted. */
  accepted: number;
  /** Calls refused with 429. */
  refused: number;
}

/** One fake API's window of accepted calls (its settings and counts are the sandbox's, read at each call). */
export class RateWindow {
  /** Times of the accepted calls of the last second, oldest first (at most `callsPerSecond` of them). */
  private readonly accepted: number[] = [];

  constructor(
    private readonly settings: RateLimitSettings,
    private readonly counts: RateLimitCounts,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** True when this call may go on; false when it is to be refused. */
  admit(): boolean {
    const limit = this.settings.callsPerSecond;
    if (!(limit > 0)) {
      this.counts.accepted++;
      return true;
    }
    const now = this.now();
    while (this.accepted.length > 0 && (this.accepted[0] as number) <= now - 1000) this.accepted.shift();
    if (this.accepted.length >= limit) {
      this.counts.refused++;
      return false;
    }
    this.accepted.push(now);
    this.counts.accepted++;
    return true;
  }

  /** Headers of every answer (Fanvue's names, which OFAuth's docs also use): the limit and what is left of it. */
  headers(): Record<string, string> {
    const limit = this.settings.callsPerSecond;
    if (!(limit > 0)) return {};
    return { "x-ratelimit-limit": String(limit), "x-ratelimit-remaining": String(Math.max(0, limit - this.accepted.length)) };
  }
}

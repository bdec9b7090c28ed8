import { assertOptions } from "../argument-checks.js";
import { AbortError } from "../errors.js";
import { sleep } from "../retry-policy.js";
import type { CallRateLimiter, RateLimitStats } from "./call-rate-limiter.js";

export type { RateLimitStats } from "./call-rate-limiter.js";

/** Options of the shared rate limiter (`rateLimit` client option). */
export interface RateLimitOptions {
  /** A ceiling you know, in calls per second (e.g. your plan's limit); the limiter never goes above it. */
  maxCallsPerSecond?: number | undefined;
  /** Refusals (429) one call takes before it fails; they do not use up `retry.maxAttempts`. Default 10. */
  maxRefusals?: number | undefined;
  /**
   * A limiter to share with other clients of the same account (one per-account limit, several clients), or one
   * shared by many processes (`redisRateLimiter` from `@uploadkit/redis`).
   */
  limiter?: AdaptiveRateLimiter | CallRateLimiter | undefined;
}

/**
 * After a cut: back toward the rate the API last accepted (`peak`) quickly (a time constant of TAU_S), then above it
 * ever faster (PROBE × seconds³ of it), as CUBIC does: a limit is found again in seconds, and held near. The same
 * policy as `redisRateLimiter` (@uploadkit/redis) runs in Redis for many processes; measured in `pnpm bench`.
 */
const TAU_S = 0.5;
const PROBE = 0.004;
const NEAR = 0.97;
/** A cut takes the rate to this share of the calls the API accepted in the last second. */
const BETA = 0.97;
/** A dip in what was accepted (calls waiting on other work) is not the limit: the last peak, this much lowered, stands. */
const PEAK_MEMORY = 0.9;
/** Accepted calls are counted per tenth of a second, over the last ten (the current one partial): at most a second, so a cut never lands above what the API accepted in one (eleven tenths did, and refused again). */
const TENTHS = 10;

/**
 * One rate for every API call of a client (or of several sharing it), adapted to the API's answers: nothing is held
 * back until the API refuses a call (429); then calls are paced one every 1/rate seconds (GCRA) at 0.97 × the calls
 * the API accepted in the last second, the rate brought back near that peak within about a second and then probed
 * above it along a cubic curve (as TCP's CUBIC). A refused call waits its own `Retry-After` before it is sent again
 * (the transport does that); the others go on at the cut rate — holding every call for a whole `Retry-After` left a
 * quarter of an account's calls unused. Refusals of calls sent before the last cut are the same event and cut nothing.
 */
export class AdaptiveRateLimiter implements CallRateLimiter {
  readonly #now: () => number;
  readonly #ceiling: number;
  /** The rate set by the last cut; 0 while the API has refused nothing. */
  #cutRate = 0;
  #peak = 0;
  #cutAt = Number.NEGATIVE_INFINITY;
  /** When the next call may go (GCRA's theoretical arrival time). */
  #nextAt: number;
  #current = 0;
  readonly #acceptedTenths = new Map<number, number>();
  #held = 0;
  #heldSince = 0;
  readonly #counts = { calls: 0, refused: 0, waitedMs: 0 };

  constructor(options: { maxCallsPerSecond?: number | undefined; now?: () => number } = {}) {
    assertOptions(options, "AdaptiveRateLimiter's options", { maxCallsPerSecond: "positive", now: "function" });
    const ceiling = options.maxCallsPerSecond;
    this.#now = options.now ?? (() => performance.now());
    this.#ceiling = ceiling ?? Number.POSITIVE_INFINITY;
    this.#nextAt = this.#now();
  }

  /** What it has done so far. */
  get stats(): RateLimitStats {
    const held = this.#held > 0 ? this.#now() - this.#heldSince : 0;
    const limited = this.#cutRate > 0 || Number.isFinite(this.#ceiling);
    return {
      ...this.#counts,
      waitedMs: Math.round(this.#counts.waitedMs + held),
      rate: limited ? this.#rateAt(this.#now()) : undefined,
    };
  }

  /** Resolves when a call may be sent (with the time it was let through, for `refused`); an abort rejects. */
  acquire(signal?: AbortSignal): Promise<number> {
    if (signal?.aborted) return Promise.reject(new AbortError(undefined, { cause: signal.reason }));
    const now = this.#now();
    if (this.#cutRate === 0 && !Number.isFinite(this.#ceiling)) {
      this.#counts.calls++;
      return Promise.resolve(now);
    }
    const rate = this.#rateAt(now);
    const start = Math.max(this.#nextAt, now);
    this.#nextAt = start + 1000 / rate;
    this.#current = rate;
    if (start <= now) {
      this.#counts.calls++;
      return Promise.resolve(start);
    }
    this.#hold(+1);
    return sleep(start - now, signal).then(
      () => {
        this.#hold(-1);
        this.#counts.calls++;
        return start;
      },
      (error: unknown) => {
        this.#hold(-1);
        throw error;
      },
    );
  }

  /** The API accepted a call. */
  succeeded(): void {
    const tenth = Math.floor(this.#now() / 100);
    this.#acceptedTenths.set(tenth, (this.#acceptedTenths.get(tenth) ?? 0) + 1);
    for (const key of this.#acceptedTenths.keys()) if (key <= tenth - TENTHS) this.#acceptedTenths.delete(key);
  }

  /**
   * The API refused a call sent at `sentAt` (429). A refusal of a call sent after the last cut cuts the rate to
   * 0.97 × the calls accepted in the last second. `retryAfterMs` is the refused call's own wait (the transport's).
   */
  refused(sentAt: number, _retryAfterMs?: number | undefined): void {
    this.#counts.refused++;
    if (sentAt < this.#cutAt) return;
    const now = this.#now();
    const tenth = Math.floor(now / 100);
    let accepted = 0;
    for (let i = 0; i < TENTHS; i++) accepted += this.#acceptedTenths.get(tenth - i) ?? 0;
    let base = Math.max(accepted, PEAK_MEMORY * this.#peak);
    if (base < 1) base = Math.max(this.#current, 1);
    const cut = Math.min(Math.max(0.5, BETA * base), this.#ceiling);
    this.#cutRate = cut;
    this.#peak = Math.max(base, cut);
    this.#cutAt = now;
    this.#current = cut;
    this.#nextAt = Math.max(this.#nextAt, now);
  }

  /** The rate now: the ceiling before any refusal; after one, back toward the peak, then probing above it. */
  #rateAt(now: number): number {
    if (this.#cutRate === 0) return this.#ceiling;
    const rate = this.#cutRate;
    const peak = this.#peak;
    const since = (now - this.#cutAt) / 1000;
    const near = rate + (peak - rate) * (1 - Math.exp(-since / TAU_S));
    let result = near;
    if (near >= NEAR * peak) {
      const reachedAfter = TAU_S * Math.log(Math.max(1.0001, (peak - rate) / Math.max(peak - NEAR * peak, 0.001)));
      const above = Math.max(0, since - reachedAfter);
      result = Math.max(near, NEAR * peak * (1 + PROBE * above ** 3));
    }
    return Math.min(result, this.#ceiling);
  }

  #hold(change: 1 | -1): void {
    const now = this.#now();
    if (change > 0 && this.#held === 0) this.#heldSince = now;
    this.#held += change;
    if (this.#held === 0) this.#counts.waitedMs += now - this.#heldSince;
  }
}

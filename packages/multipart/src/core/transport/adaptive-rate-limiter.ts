import { AbortError, InputError } from "../errors.js";
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

const BETA = 0.7;
const SCALE = 0.4;
const SMOOTH = 0.8;
const BUCKET_MS = 500;
/** A burst the bucket holds, in seconds of the current rate. */
const BURST_SECONDS = 0.25;

interface Waiter {
  resolve(sentAt: number): void;
  reject(error: unknown): void;
  signal: AbortSignal | undefined;
  onAbort: () => void;
}

/**
 * One rate for every API call of a client (or of several sharing it), adapted to the API's answers as the AWS SDK's
 * adaptive retry mode does: nothing is held back until the API refuses a call (429); then a token bucket paces the
 * calls at 0.7 × the rate measured when refused, and the rate grows back along a cubic curve (CUBIC, as TCP) while the
 * API accepts calls, probing above its last limit. A `Retry-After` holds every call until then. Refusals of calls sent
 * before the last reduction belong to that same event and do not cut the rate again.
 */
export class AdaptiveRateLimiter implements CallRateLimiter {
  readonly #now: () => number;
  readonly #ceiling: number;
  #fillRate: number;
  #enabled: boolean;
  #tokens = 0;
  #refilledAt: number;
  #lastMaxRate = 0;
  #lastThrottleAt = 0;
  #pausedUntil = 0;
  #measuredRate = 0;
  #bucketStart: number;
  #bucketCount = 0;
  readonly #queue: Waiter[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;
  #waitingSince: number | undefined;
  readonly #counts = { calls: 0, refused: 0, waitedMs: 0 };

  constructor(options: { maxCallsPerSecond?: number | undefined; now?: () => number } = {}) {
    const ceiling = options.maxCallsPerSecond;
    if (ceiling !== undefined && !(Number.isFinite(ceiling) && ceiling > 0)) {
      throw new InputError(`rateLimit.maxCallsPerSecond must be a number > 0, got ${ceiling}.`, { code: "INPUT_INVALID_NUMBER" });
    }
    this.#now = options.now ?? (() => performance.now());
    this.#ceiling = ceiling ?? Number.POSITIVE_INFINITY;
    this.#enabled = ceiling !== undefined;
    this.#fillRate = this.#ceiling;
    this.#refilledAt = this.#now();
    this.#bucketStart = this.#refilledAt;
    if (this.#enabled) this.#tokens = this.#capacity();
  }

  /** What it has done so far. */
  get stats(): RateLimitStats {
    const held = this.#waitingSince === undefined ? 0 : this.#now() - this.#waitingSince;
    return {
      ...this.#counts,
      waitedMs: Math.round(this.#counts.waitedMs + held),
      rate: this.#enabled ? this.#fillRate : undefined,
    };
  }

  /** Resolves when a call may be sent (with the time it was let through, for `refused`); an abort rejects. */
  acquire(signal?: AbortSignal): Promise<number> {
    if (signal?.aborted) return Promise.reject(new AbortError(undefined, { cause: signal.reason }));
    if (this.#queue.length === 0 && this.#take()) return Promise.resolve(this.#let());
    return new Promise<number>((resolve, reject) => {
      const waiter: Waiter = {
        resolve,
        reject,
        signal,
        onAbort: () => {
          const index = this.#queue.indexOf(waiter);
          if (index >= 0) this.#queue.splice(index, 1);
          this.#settleWaiting();
          reject(new AbortError(undefined, { cause: signal?.reason }));
        },
      };
      signal?.addEventListener("abort", waiter.onAbort, { once: true });
      this.#queue.push(waiter);
      this.#waitingSince ??= this.#now();
      this.#schedule();
    });
  }

  /** The API accepted a call: the rate grows back. */
  succeeded(): void {
    this.#measure();
    if (!this.#enabled || this.#lastMaxRate === 0) return;
    const t = (this.#now() - this.#lastThrottleAt) / 1000;
    const k = Math.cbrt((this.#lastMaxRate * (1 - BETA)) / SCALE);
    const cubic = SCALE * (t - k) ** 3 + this.#lastMaxRate;
    this.#setRate(Math.min(cubic, 2 * Math.max(this.#measuredRate, 1)));
  }

  /**
   * The API refused a call sent at `sentAt` (429), asking to wait `retryAfterMs` if it said: every call waits that
   * long, and a refusal of a call sent after the last cut slows the rate to 0.7 × what was measured.
   */
  refused(sentAt: number, retryAfterMs: number | undefined): void {
    this.#counts.refused++;
    this.#measure();
    const now = this.#now();
    if (retryAfterMs !== undefined && retryAfterMs > 0) this.#pausedUntil = Math.max(this.#pausedUntil, now + retryAfterMs);
    if (this.#enabled && sentAt < this.#lastThrottleAt) return;
    const measured = Math.max(this.#measuredRate, 1);
    const base = this.#enabled ? Math.min(measured, this.#fillRate) : measured;
    this.#lastMaxRate = base;
    this.#lastThrottleAt = now;
    this.#enabled = true;
    this.#setRate(base * BETA);
    this.#tokens = Math.min(this.#tokens, this.#capacity());
    this.#schedule();
  }

  #setRate(rate: number): void {
    this.#refill();
    this.#fillRate = Math.max(0.5, Math.min(rate, this.#ceiling));
  }

  #capacity(): number {
    return Math.max(1, this.#fillRate * BURST_SECONDS);
  }

  #refill(): void {
    const now = this.#now();
    if (this.#enabled) {
      this.#tokens = Math.min(this.#capacity(), this.#tokens + ((now - this.#refilledAt) / 1000) * this.#fillRate);
    }
    this.#refilledAt = now;
  }

  #take(): boolean {
    if (this.#now() < this.#pausedUntil) return false;
    if (!this.#enabled) return true;
    this.#refill();
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }

  #let(): number {
    this.#counts.calls++;
    this.#bucketCount++;
    return this.#now();
  }

  /** The rate of calls sent, smoothed over half-second buckets. */
  #measure(): void {
    const now = this.#now();
    const elapsed = now - this.#bucketStart;
    if (elapsed < BUCKET_MS) return;
    const rate = (this.#bucketCount * 1000) / elapsed;
    this.#measuredRate = this.#measuredRate === 0 ? rate : rate * SMOOTH + this.#measuredRate * (1 - SMOOTH);
    this.#bucketStart = now;
    this.#bucketCount = 0;
  }

  #schedule(): void {
    if (this.#timer !== undefined || this.#queue.length === 0) return;
    const now = this.#now();
    let delay = this.#pausedUntil - now;
    if (delay <= 0 && this.#enabled) {
      this.#refill();
      delay = this.#tokens >= 1 ? 0 : ((1 - this.#tokens) / this.#fillRate) * 1000;
    }
    this.#timer = setTimeout(() => this.#release(), Math.max(0, Math.ceil(delay)));
  }

  #release(): void {
    this.#timer = undefined;
    while (this.#queue.length > 0 && this.#take()) {
      const waiter = this.#queue.shift() as Waiter;
      waiter.signal?.removeEventListener("abort", waiter.onAbort);
      waiter.resolve(this.#let());
    }
    this.#settleWaiting();
    this.#schedule();
  }

  #settleWaiting(): void {
    if (this.#queue.length === 0 && this.#waitingSince !== undefined) {
      this.#counts.waitedMs += this.#now() - this.#waitingSince;
      this.#waitingSince = undefined;
    }
  }
}

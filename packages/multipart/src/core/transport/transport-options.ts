import type { RetryOptions } from "../retry-policy.js";
import type { RateLimitOptions } from "./adaptive-rate-limiter.js";
import type { DispatcherLike } from "./dispatcher-like.js";
import type { Logger, LogLevel } from "./transport-log.js";

/** A part about to be sent again. */
export interface RetryEvent {
  /** The part being retried. */
  partNumber: number;
  /** The attempt that failed (1-based). */
  attempt: number;
  /** Why the attempt failed (secrets and signatures masked). */
  reason: string;
  /** The HTTP status, when the server answered. */
  status?: number | undefined;
  /** The wait before the next attempt. */
  delayMs: number;
}

/** An API call about to be sent again. */
export interface ApiRetryEvent {
  /** The call's method. */
  method: string;
  /** The call's path, without its query string. */
  path: string;
  /** The attempt that failed (1-based). */
  attempt: number;
  /** Why the attempt failed. */
  reason: string;
  /** The wait before the next attempt. */
  delayMs: number;
}

/** A retry of a part (`partNumber`) or of an API call (`method`, `path`). */
export type TransportEvent = RetryEvent | ApiRetryEvent;

/** How a provider client talks to the network; every provider's client options include these. */
export interface ClientTransportOptions {
  /** Attempts and backoff for API calls and part uploads. */
  retry?: RetryOptions;
  /** Prepended to the User-Agent (`<yours> uploadkit/<version>`). */
  userAgent?: string;
  /**
   * Time limit per attempt of every request: an API call, from sending to the last byte of the answer; a body upload
   * (part PUT, single PUT, form-data POST), from its last byte sent to the last byte of the answer. An attempt over
   * it is retried where the request is repeatable, else fails (`API_TIMEOUT` for API calls). Default 60 s.
   */
  timeoutMs?: number;
  /** A body upload with no byte moving for this long (sending, or awaiting the answer) is aborted and retried. Default 30 s. */
  stallTimeoutMs?: number;
  /** Called before each retry of a part (`partNumber`) or an API call (`method`, `path`): for logs and metrics. */
  onRetry?: (event: TransportEvent) => void;
  /**
   * Compare each part's plain-MD5 ETag with the MD5 of the bytes sent; a mismatch is retried, then an
   * IntegrityError. Stores whose ETags are not MD5s (SSE-KMS, SSE-C) are detected and skipped with a warning.
   * Default true.
   */
  checksum?: boolean;
  /** A fetch implementation: when given, every request (API calls and uploads) goes through it. */
  fetch?: typeof fetch;
  /**
   * Where uploadkit logs: any object with debug/info/warn/error (`console`, pino…). Default `console`. One line per
   * API call and per part attempt at `debug`; retries, credential refreshes and resumes at `info`; integrity checks
   * skipped at `warn`. No credential, signature or presigned query string ever reaches a line.
   */
  logger?: Logger;
  /** `debug`, `info`, `warn` (default), `error` or `off`. `UPLOADKIT_LOG=debug` in the environment sets it without code. */
  logLevel?: LogLevel;
  /**
   * One rate for every call this client makes to the API (calls, and bodies sent to the API: OFAuth's parts,
   * Flowkiwi's POST): a 429 slows **all** of them down together (and a `Retry-After` holds all of them), then the rate
   * grows back while the API accepts calls — instead of each call retrying on its own. Part uploads to storage keep
   * their own retries. On by default (nothing is held back before the first 429); `false` turns it off. A refused call
   * waits its turn again without using up an attempt (up to `maxRefusals` times) — unless `retry.maxAttempts` is 1,
   * which sends nothing twice. Read what it did from the `limiter` you give (`AdaptiveRateLimiter.stats`).
   */
  rateLimit?: RateLimitOptions | false;
  /** The undici dispatcher for uploads (and for API calls when no `fetch` is given). Default: one shared keep-alive Agent. */
  dispatcher?: DispatcherLike;
}

/** Time limit of one API call attempt when `timeoutMs` is not given: 60 s. */
export const DEFAULT_TIMEOUT_MS = 60_000;
/** How long an upload may move no byte before it is retried: 30 s. */
export const DEFAULT_STALL_TIMEOUT_MS = 30_000;

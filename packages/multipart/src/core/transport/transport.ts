import { defaultDispatcher } from "#runtime";
import { apiErrorFromResponse } from "../api/parse-api-error.js";
import { AbortError, InputError, UploadkitError } from "../errors.js";
import { presignedUrlExpired } from "../http/presigned-expiry.js";
import { redactSecrets, redactUrl } from "../redact.js";
import { nextDelay, type ResolvedRetryOptions, resolveRetry, serverRequestedDelay, sleep } from "../retry-policy.js";
import { isRunningInBrowser } from "../runtime/is-browser.js";
import { VERSION } from "../version.js";
import { AdaptiveRateLimiter } from "./adaptive-rate-limiter.js";
import { attemptLogged, type BodyAttemptSettings } from "./body-attempt.js";
import { bodyRequestError } from "./body-failure.js";
import type { CallRateLimiter } from "./call-rate-limiter.js";
import { CredentialSet } from "./credential-set.js";
import { rememberSecrets } from "./response-secrets.js";
import { type AttemptFailure, isIdempotentMethod, mayRepeat, networkCode } from "./retry-rules.js";
import {
  attemptDeadline,
  corsHint,
  describe,
  isRetryable,
  logApiCall,
  parseBody,
  positiveMs,
  readBody,
  rebuilt,
  resolveTarget,
  seconds,
  statusOf,
  throwIfAborted,
} from "./transport-answers.js";
import { TransportLog } from "./transport-log.js";
import { DEFAULT_STALL_TIMEOUT_MS, DEFAULT_TIMEOUT_MS, type TransportEvent } from "./transport-options.js";
import { assertTransportOptions } from "./transport-options-check.js";
import { type BodyRequest, ERROR_BODY_LIMIT, type TransportConfig } from "./transport-request.js";
import { currentUploadScope } from "./upload-scope.js";

export type { BodyRequest, RequestBody, SentAnswer, TransportConfig, Verdict } from "./transport-request.js";

const inBrowser = isRunningInBrowser();
const DEFAULT_MAX_RESPONSE_BYTES = 16 * 1024 * 1024;
const REFUSED_REASON = "HTTP 429 (rate limited: every call slows down)";
/** 429s one call takes (waiting its turn again each time) before it fails. */
const DEFAULT_MAX_REFUSALS = 10;

/**
 * The one way uploadkit talks to the network. API calls (`fetch`, for openapi-fetch) and body uploads (`send`:
 * part PUTs, single PUTs, form-data POSTs) share one retry policy (`retry-rules.ts`), one time limit and stall
 * watchdog, one dispatcher or `fetch`, one User-Agent, one credential guard and one error mapping.
 */
export class Transport {
  readonly retry: ResolvedRetryOptions;
  readonly timeoutMs: number;
  readonly stallTimeoutMs: number;
  readonly apiOrigin: string | undefined;
  private readonly credentials: CredentialSet;
  /** Where the transport's debug, info and warn lines go (secrets masked). */
  readonly log: TransportLog;
  private readonly apiHeaders: Record<string, string>;
  private readonly userAgent: string;
  private readonly maxResponseBytes: number;
  private readonly config: TransportConfig;
  /** Compare part ETags with the MD5 of the bytes sent (client option `checksum`, default true). */
  readonly checksum: boolean;
  private readonly warned = new Set<string>();
  /** The one rate every API call of this client goes at (undefined with `rateLimit: false`). */
  readonly rateLimiter: CallRateLimiter | undefined;
  private readonly maxRefusals: number;

  constructor(config: TransportConfig = {}) {
    this.config = config;
    assertTransportOptions(config);
    this.retry = resolveRetry(config.retry);
    this.timeoutMs = positiveMs("timeoutMs", config.timeoutMs, DEFAULT_TIMEOUT_MS);
    this.stallTimeoutMs = positiveMs("stallTimeoutMs", config.stallTimeoutMs, DEFAULT_STALL_TIMEOUT_MS);
    this.apiOrigin = config.apiOrigin === undefined ? undefined : new URL(config.apiOrigin).origin;
    this.credentials = new CredentialSet(config.credentials ?? {}, config.redact);
    this.log = new TransportLog(config.logger ?? console, config.logLevel, () => this.secrets);
    this.apiHeaders = config.headers ?? {};
    this.userAgent = `${config.userAgent ? `${config.userAgent} ` : ""}uploadkit/${VERSION}`;
    this.maxResponseBytes = config.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    this.checksum = config.checksum ?? true;
    const rateLimit = config.rateLimit === false ? undefined : (config.rateLimit ?? {});
    this.rateLimiter =
      rateLimit === undefined
        ? undefined
        : (rateLimit.limiter ?? new AdaptiveRateLimiter({ maxCallsPerSecond: rateLimit.maxCallsPerSecond }));
    this.maxRefusals = rateLimit?.maxRefusals ?? DEFAULT_MAX_REFUSALS;
  }

  /**
   * Waits for the shared rate (calls to the API origin only); resolves with the time the call was let through, or
   * undefined when it is not limited.
   */
  private async admit(limited: boolean, signal: AbortSignal | undefined | null): Promise<number | undefined> {
    return limited && this.rateLimiter ? this.rateLimiter.acquire(signal ?? undefined) : undefined;
  }

  /** A warning about this transport's uploads, logged once per kind (`[CODE] message`, at warn). */
  warnOnce(code: string, message: string): void {
    if (this.warned.has(code)) return;
    this.warned.add(code);
    this.log.warn(`[${code}] ${message}`);
  }

  /** Every secret this transport knows, for redaction: header values, and the token inside `<scheme> <token>`. */
  get secrets(): string[] {
    return this.credentials.secrets;
  }

  /** The dispatcher body uploads run on (Node: the caller's, or one shared keep-alive agent). */
  get dispatcher(): unknown {
    return this.config.dispatcher ?? defaultDispatcher();
  }

  private emit(event: TransportEvent): void {
    const what = "partNumber" in event ? `part ${event.partNumber}` : `${event.method} ${event.path}`;
    this.log.info(`retrying ${what} in ${event.delayMs} ms after attempt ${event.attempt}: ${event.reason}`);
    this.config.onRetry?.(event);
    currentUploadScope()?.onRetry?.(event);
  }

  /**
   * The fetch provider API clients run on: credentials only to the API origin, a User-Agent, a time limit
   * covering the whole answer, retries by the one rule, `Retry-After` honoured within bounds, redirects never
   * followed, and every body read to a bound (16 MiB for success, 64 KiB for errors) before it is handed on.
   */
  readonly fetch = async (input: Request): Promise<Response> => {
    const request = new Request(input);
    const url = new URL(request.url);
    for (const [name, value] of Object.entries(this.apiHeaders)) if (!request.headers.has(name)) request.headers.set(name, value);
    // A page cannot set User-Agent (the browser does), and asking would add it to every CORS preflight.
    if (!inBrowser) request.headers.set("user-agent", this.userAgent);
    const withCredentials = url.origin === this.apiOrigin;
    const method = request.method.toUpperCase();
    const repeatable = isIdempotentMethod(method);
    const outer = input.signal;
    let refreshCredentials = false;
    let refreshed = false;
    let refusals = 0;
    for (let attempt = 1; ; attempt++) {
      if (outer?.aborted) throw new AbortError(undefined, { cause: outer.reason });
      const last = attempt >= this.retry.maxAttempts;
      const sentAt = await this.admit(withCredentials, outer);
      const sent = request.clone();
      if (withCredentials) {
        for (const [name, value] of Object.entries(await this.credentials.headers(refreshCredentials)))
          sent.headers.set(name, value);
      }
      refreshCredentials = false;
      const deadline = attemptDeadline(this.timeoutMs, outer);
      const started = performance.now();
      let response: Response;
      let text: string | undefined;
      try {
        // The signal goes to fetch itself: a `new Request(request, { signal })` follows the signal only weakly, and
        // after a garbage collection its abort (our time limit) no longer reached the pending fetch.
        const dispatcher = this.config.fetch ? undefined : this.config.dispatcher;
        const init = { signal: deadline.signal, redirect: "manual", ...(dispatcher ? { dispatcher } : {}) } as RequestInit;
        response = await (this.config.fetch ?? globalThis.fetch)(sent, init);
        // A browser hides a redirect it was told not to follow (status 0): it is still a redirect, and reported so.
        if (response.type === "opaqueredirect") response = new Response(null, { status: 307 });
        if (response.status === 401 && withCredentials && !refreshed && this.credentials.refreshable) {
          // The API refused the credential: ask the provider once more and repeat this call once. A 401 means the
          // request was not acted on, so this holds for any method.
          await response.body?.cancel().catch(() => {});
          deadline.clear();
          logApiCall(this.log, method, request.url, attempt, started, { status: 401, headers: response.headers });
          this.log.info(`${method} ${url.pathname} answered 401: asking for fresh credentials and sending it once more`);
          refreshed = true;
          refreshCredentials = true;
          attempt--;
          continue;
        }
        if (!response.ok && !(repeatable ? isRetryable(response.status, true) : isRetryable(response.status, false))) {
          text = await readBody(response, ERROR_BODY_LIMIT, false);
        } else if (response.ok) {
          text = await readBody(response, this.maxResponseBytes, true);
        }
      } catch (error) {
        deadline.clear();
        if (outer?.aborted) throw new AbortError(undefined, { cause: outer.reason });
        if (error instanceof UploadkitError) throw error;
        const timedOut = deadline.timedOut();
        const code = networkCode(error);
        const reason = timedOut ? `no response within ${this.timeoutMs} ms` : `network error${code ? ` ${code}` : ""}`;
        logApiCall(this.log, method, request.url, attempt, started, { reason });
        const failure: AttemptFailure = { kind: "network", code, stalled: timedOut };
        if (last || !mayRepeat(failure, repeatable)) {
          throw new UploadkitError(
            redactSecrets(
              `${method} ${redactUrl(request.url)} failed after ${attempt} attempt${attempt === 1 ? "" : "s"}: ${reason}.${timedOut ? "" : corsHint(url.origin)}`,
              this.secrets,
            ),
            { code: timedOut ? "API_TIMEOUT" : "API_NETWORK" },
          );
        }
        await this.backOff({ method, path: url.pathname, attempt, reason }, undefined, outer ?? undefined);
        continue;
      }
      deadline.clear();
      logApiCall(this.log, method, request.url, attempt, started, {
        status: response.status,
        headers: response.headers,
        bytes: text?.length,
      });
      const status = response.status;
      const requestedMs = status === 429 ? serverRequestedDelay(response.headers) : undefined;
      if (this.sendAgainAfterRefusal(sentAt, status, requestedMs, refusals, true)) {
        refusals++;
        await response.body?.cancel().catch(() => {});
        this.emit({ method, path: url.pathname, attempt, reason: REFUSED_REASON, delayMs: requestedMs ?? 0 });
        attempt--;
        // This call waits what the API asked of it; the limiter paces the others at the cut rate meanwhile.
        if (requestedMs) await sleep(requestedMs, outer ?? undefined);
        continue;
      }
      if (response.ok) return rememberSecrets(rebuilt(response, text ?? ""), this.secrets);
      if (text === undefined) {
        const requestedMs = serverRequestedDelay(response.headers);
        const tooLong = this.waitTooLong(requestedMs);
        if (!last && tooLong === undefined) {
          await response.body?.cancel().catch(() => {});
          await this.backOff({ method, path: url.pathname, attempt, reason: `HTTP ${status}` }, requestedMs, outer ?? undefined);
          continue;
        }
        text = await readBody(response, ERROR_BODY_LIMIT, false);
        if (tooLong !== undefined) {
          throw apiErrorFromResponse(rebuilt(response, text), parseBody(text), method, this.secrets, tooLong);
        }
      }
      return rememberSecrets(rebuilt(response, text), this.secrets);
    }
  };

  /** Sends one body request: retried by the one rule, the stall watchdog on every attempt, progress taken back on failure. */
  async send<T>(request: BodyRequest<T>): Promise<T> {
    const signal = request.signal;
    let target = await resolveTarget(request, 1, false, signal);
    const repeatable = request.repeatable ?? isIdempotentMethod(target.method ?? "PUT");
    let refreshed = false;
    let credentialsRefreshed = false;
    let refreshCredentials = false;
    let refusals = 0;
    for (let attempt = 1; ; attempt++) {
      throwIfAborted(signal);
      const sentAt = await this.admit(target.credentials === true, signal);
      const result = await attemptLogged(this.attemptSettings(), request, target, signal, attempt, refreshCredentials);
      refreshCredentials = false;
      const label = request.label;
      const isPart = "partNumber" in label;
      const answered = result.ok ? 200 : statusOf(result);
      const retryAfterMs = result.ok ? undefined : result.retryAfterMs;
      if (this.sendAgainAfterRefusal(sentAt, answered, retryAfterMs, refusals, request.body.reopenable !== false)) {
        refusals++;
        const delayMs = retryAfterMs ?? 0;
        this.emit(
          isPart
            ? { partNumber: label.partNumber, attempt, reason: REFUSED_REASON, status: 429, delayMs }
            : { method: label.method, path: label.path, attempt, reason: REFUSED_REASON, delayMs },
        );
        attempt--;
        // This call waits what the API asked of it; the limiter paces the others at the cut rate meanwhile.
        if (delayMs > 0) await sleep(delayMs, signal);
        continue;
      }
      if (result.ok) return result.value;
      if (
        statusOf(result) === 401 &&
        target.credentials &&
        !credentialsRefreshed &&
        this.credentials.refreshable &&
        request.body.reopenable !== false
      ) {
        // Refused credentials: the request was not acted on; ask once more and repeat it once.
        this.log.info(`${describe(label)} answered 401: asking for fresh credentials and sending it once more`);
        credentialsRefreshed = true;
        refreshCredentials = true;
        attempt--;
        continue;
      }
      if (result.refreshTarget && isPart && !refreshed) {
        refreshed = true;
        this.emit({ partNumber: label.partNumber, attempt, reason: result.reason, status: statusOf(result), delayMs: 0 });
        target = await resolveTarget(request, attempt + 1, true, signal);
        continue;
      }
      let allowed =
        result.retryable !== false &&
        (result.integrity !== undefined || (result.retryable === true && repeatable) || mayRepeat(result.failure, repeatable));
      const ambiguous = !allowed && result.retryable !== false && !repeatable && mayRepeat(result.failure, true);
      if (ambiguous && request.settle && request.body.reopenable !== false && attempt < this.retry.maxAttempts) {
        const settled = await request.settle();
        if (settled !== "resend") return settled.value;
        allowed = true;
      }
      if (!allowed || attempt >= this.retry.maxAttempts) throw bodyRequestError(this.secrets, request, target, attempt, result);
      if (request.body.reopenable === false) {
        throw new InputError(
          `The upload of the ${request.body.description} failed (${result.reason}) and a stream cannot be sent again; upload it from a file or bytes.`,
          { code: "INPUT_STREAM_RETRY" },
        );
      }
      const tooLong = this.waitTooLong(result.retryAfterMs);
      if (tooLong !== undefined)
        throw bodyRequestError(
          this.secrets,
          request,
          target,
          attempt,
          { ...result, reason: `${result.reason}: ${tooLong}` },
          tooLong,
        );
      const delayMs = nextDelay(attempt, this.retry, result.retryAfterMs);
      const status = statusOf(result);
      this.emit(
        isPart
          ? { partNumber: label.partNumber, attempt, reason: redactSecrets(result.reason, this.secrets), status, delayMs }
          : { method: label.method, path: label.path, attempt, reason: redactSecrets(result.reason, this.secrets), delayMs },
      );
      await sleep(delayMs, signal);
      refreshed = false;
      // A store may cut the connection instead of answering 403 when a URL expired mid-retries: renew it first.
      if (isPart && presignedUrlExpired(target.url)) target = await resolveTarget(request, attempt + 1, true, signal);
    }
  }

  /**
   * Tells the shared rate limiter how a limited call (`sentAt` defined) was answered, and whether a refusal (429) is
   * to be sent again without using up an attempt: every call slows down, this one waits its turn again, at most
   * `maxRefusals` times, never with `retry.maxAttempts` 1, nor past a `Retry-After` longer than allowed.
   */
  private sendAgainAfterRefusal(
    sentAt: number | undefined,
    status: number | undefined,
    retryAfterMs: number | undefined,
    refusals: number,
    resendable: boolean,
  ): boolean {
    if (sentAt === undefined || !this.rateLimiter) return false;
    if (status !== 429) {
      this.rateLimiter.succeeded();
      return false;
    }
    this.rateLimiter.refused(sentAt, retryAfterMs);
    return (
      resendable && refusals < this.maxRefusals && this.retry.maxAttempts > 1 && this.waitTooLong(retryAfterMs) === undefined
    );
  }

  /**
   * When a server asks to wait longer than `retry.maxRetryAfterMs`, what to say instead of waiting: the request fails
   * at once, naming the wait asked for. Undefined when the ask is within the bound (or there is none).
   */
  private waitTooLong(requestedMs: number | undefined): string | undefined {
    const max = this.retry.maxRetryAfterMs;
    if (requestedMs === undefined || requestedMs <= max) return undefined;
    return `the server asked to wait ${seconds(requestedMs)} before another attempt (Retry-After), longer than retry.maxRetryAfterMs (${seconds(max)}), so it was not retried: try again later, or raise retry.maxRetryAfterMs to wait that long`;
  }

  private async backOff(
    event: { method: string; path: string; attempt: number; reason: string },
    requestedMs: number | undefined,
    signal: AbortSignal | undefined,
  ): Promise<void> {
    const delayMs = nextDelay(event.attempt, this.retry, requestedMs);
    this.emit({ ...event, delayMs });
    await sleep(delayMs, signal);
  }

  /** What one body attempt needs of this transport. */
  private attemptSettings(): BodyAttemptSettings {
    return {
      apiOrigin: this.apiOrigin,
      credentials: this.credentials,
      dispatcher: this.dispatcher,
      fetch: this.config.fetch,
      ownDispatcher: this.config.dispatcher !== undefined,
      stallTimeoutMs: this.stallTimeoutMs,
      timeoutMs: this.timeoutMs,
      userAgent: this.userAgent,
      log: this.log,
    };
  }
}

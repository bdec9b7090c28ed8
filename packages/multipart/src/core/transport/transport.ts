import { defaultDispatcher, hashBlob, httpAttempt, runtimeName } from "#runtime";
import { apiErrorFromResponse } from "../api/parse-api-error.js";
import { AbortError, InputError, IntegrityError, isAbortError, PartUploadError, UploadkitError } from "../errors.js";
import { ByteMeter, type DigestName } from "../http/byte-meter.js";
import { assertCredentialsStayOnOrigin } from "../http/credentials.js";
import { presignedUrlExpired } from "../http/presigned-expiry.js";
import { readBounded, summarizeErrorBody } from "../http/read-bounded.js";
import { redactSecrets, redactUrl } from "../redact.js";
import { nextDelay, type ResolvedRetryOptions, resolveRetry, serverRequestedDelay, sleep } from "../retry-policy.js";
import { isRunningInBrowser } from "../runtime/is-browser.js";
import type { HttpAnswer } from "../runtime/runtime-parts.js";
import { concatBytes, readableChunks } from "../sources/byte-streams.js";
import type { SourceDigest } from "../sources/upload-source.js";
import type { PartResponse, PartTarget, TargetContext } from "../upload/part-target.js";
import { VERSION } from "../version.js";
import { AdaptiveRateLimiter } from "./adaptive-rate-limiter.js";
import type { CallRateLimiter } from "./call-rate-limiter.js";
import { CredentialSet, type CredentialSource } from "./credential-set.js";
import { rememberSecrets } from "./response-secrets.js";
import { type AttemptFailure, isIdempotentMethod, mayRepeat, networkCode } from "./retry-rules.js";
import { StallWatchdog } from "./stall-watchdog.js";
import { TransportLog } from "./transport-log.js";
import {
  type ClientTransportOptions,
  DEFAULT_STALL_TIMEOUT_MS,
  DEFAULT_TIMEOUT_MS,
  type TransportEvent,
} from "./transport-options.js";
import { currentUploadScope } from "./upload-scope.js";

export interface TransportConfig extends ClientTransportOptions {
  /** The provider API's origin: the only one credentials are sent to. */
  apiOrigin?: string | undefined;
  /**
   * Credential headers (e.g. `Authorization`), added to API requests and to targets that ask for them. A value may be
   * a function (see CredentialSource): asked before each request, and once more after a 401.
   */
  credentials?: Record<string, CredentialSource> | undefined;
  /** Headers for every API call (e.g. an API version header). */
  headers?: Record<string, string> | undefined;
  /** More values to mask in every message and log line (e.g. a password sent in a body). */
  redact?: readonly string[] | undefined;
  /** Largest success body an API call may answer with. Default 16 MiB. */
  maxResponseBytes?: number | undefined;
}

/** The bytes a body request carries: the source's (metered and hashed), optionally framed. */
export interface RequestBody {
  /** How many source bytes; a source that gives more or fewer fails the request with a SourceChangedError. */
  size: number;
  /** How messages name the source. */
  description: string;
  /** A fresh stream of those bytes for each attempt. */
  open(): AsyncIterable<Uint8Array>;
  /**
   * Those bytes as a Blob, where the source has one: web runtimes send it as it is (read from disk by the browser,
   * not through script), with its digests from the source or read from the Blob apart.
   */
  blob?: (() => Blob) | undefined;
  /**
   * Those bytes as chunks whose buffers the source reuses (a chunk may change once the next is asked for), used
   * instead of `open` where given: no buffer per chunk to allocate and collect.
   */
  chunks?: (() => AsyncIterable<Uint8Array>) | undefined;
  /**
   * Starts a digest of those bytes computed by the source itself (a file range read again on a hashing worker), for
   * each attempt; undefined, or absent, and the bytes are hashed as they stream.
   */
  digest?: ((name: DigestName) => SourceDigest | undefined) | undefined;
  /** False for a stream that can be read once: a failed attempt then ends the upload instead of being retried. */
  reopenable?: boolean | undefined;
  /** Bytes sent before and after the source's (multipart/form-data framing). */
  head?: Uint8Array | undefined;
  tail?: Uint8Array | undefined;
}

/** A 2xx answer to a body request, read to at most `responseLimit` bytes. */
export interface SentAnswer extends PartResponse {
  /** Digest of the source bytes sent. */
  digest(name: DigestName): string | undefined;
}

/** What a body request makes of a 2xx answer: a value, another attempt, or a final error. */
export type Verdict<T> =
  | { value: T }
  | { retry: string; integrity?: { expected: string; actual: string } | undefined }
  /** Ends the request with this reason (a PartUploadError or an error naming the API call). */
  | { fail: string }
  | { error: Error };

export interface BodyRequest<T> {
  /** A part (events carry `partNumber`, failures are PartUploadErrors) or an API call (ApiErrors). */
  label: { partNumber: number } | { method: string; path: string };
  /** Where attempt n goes. A part target is asked again with `refresh` after a 403 (an expired presigned URL). */
  target(context: TargetContext): PartTarget | Promise<PartTarget>;
  body: RequestBody;
  digests?: readonly DigestName[] | undefined;
  /** The request has no further effect when repeated. Default: by method (PUT yes, POST no). */
  repeatable?: boolean | undefined;
  accept(answer: SentAnswer): Verdict<T>;
  /**
   * For a request that is not repeatable: after a failure the server may have acted on (a 5xx, a connection cut),
   * finds out whether it did — its result — or did not — send again. Without it such a failure ends the request.
   */
  settle?(): Promise<{ value: T } | "resend">;
  /** Default 64 KiB. */
  responseLimit?: number | undefined;
  progress?: { add(bytes: number): void; takeBack(bytes: number): void } | undefined;
  signal?: AbortSignal | undefined;
}

type AttemptResult<T> =
  | { ok: true; value: T }
  | {
      ok: false;
      failure: AttemptFailure;
      reason: string;
      /**
       * False: this failure ends the request, whatever the rules say. True: the answer's verdict asked for another
       * attempt (a 2xx that did not hold what it should), which a repeatable request gets.
       */
      retryable?: boolean | undefined;
      refreshTarget?: boolean | undefined;
      integrity?: { expected: string; actual: string } | undefined;
      answer?: { status: number; headers: Headers; text: string } | undefined;
      retryAfterMs?: number | undefined;
      cause?: unknown;
    };

const ERROR_BODY_LIMIT = 64 * 1024;
/** Web runtimes send a body the source has as a Blob as one (browsers stream request bodies only over HTTP/2). */
const runtimeSendsBlobs = runtimeName === "web";
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
    if (!Number.isSafeInteger(this.maxRefusals) || this.maxRefusals < 0) {
      throw new InputError(`rateLimit.maxRefusals must be a whole number ≥ 0, got ${this.maxRefusals}.`, {
        code: "INPUT_INVALID_NUMBER",
      });
    }
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
          this.logApiCall(method, request.url, attempt, started, { status: 401, headers: response.headers });
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
        this.logApiCall(method, request.url, attempt, started, { reason });
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
      this.logApiCall(method, request.url, attempt, started, {
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

  /** One debug line per API call attempt: method, redacted URL, status or failure, bytes, duration, attempt, request id. */
  private logApiCall(
    method: string,
    url: string,
    attempt: number,
    started: number,
    outcome: { status?: number; headers?: Headers; bytes?: number | undefined; reason?: string },
  ): void {
    if (!this.log.enabled("debug")) return;
    const requestId = outcome.headers ? requestIdOf(outcome.headers) : undefined;
    const result =
      outcome.status === undefined
        ? outcome.reason
        : `${outcome.status}${outcome.bytes === undefined ? "" : ` ${outcome.bytes} B`}`;
    this.log.debug(
      `api ${method} ${redactUrl(url)} → ${result} in ${Math.round(performance.now() - started)} ms (attempt ${attempt}${requestId ? `, request id ${requestId}` : ""})`,
    );
  }

  /** Sends one body request: retried by the one rule, the stall watchdog on every attempt, progress taken back on failure. */
  async send<T>(request: BodyRequest<T>): Promise<T> {
    const signal = request.signal;
    let target = await this.resolveTarget(request, 1, false, signal);
    const repeatable = request.repeatable ?? isIdempotentMethod(target.method ?? "PUT");
    let refreshed = false;
    let credentialsRefreshed = false;
    let refreshCredentials = false;
    let refusals = 0;
    for (let attempt = 1; ; attempt++) {
      throwIfAborted(signal);
      const sentAt = await this.admit(target.credentials === true, signal);
      const result = await this.attempt(request, target, signal, attempt, refreshCredentials);
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
        target = await this.resolveTarget(request, attempt + 1, true, signal);
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
      if (!allowed || attempt >= this.retry.maxAttempts) throw this.finalError(request, target, attempt, result);
      if (request.body.reopenable === false) {
        throw new InputError(
          `The upload of the ${request.body.description} failed (${result.reason}) and a stream cannot be sent again; upload it from a file or bytes.`,
          { code: "INPUT_STREAM_RETRY" },
        );
      }
      const tooLong = this.waitTooLong(result.retryAfterMs);
      if (tooLong !== undefined)
        throw this.finalError(request, target, attempt, { ...result, reason: `${result.reason}: ${tooLong}` }, tooLong);
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
      if (isPart && presignedUrlExpired(target.url)) target = await this.resolveTarget(request, attempt + 1, true, signal);
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

  private async resolveTarget<T>(
    request: BodyRequest<T>,
    attempt: number,
    refresh: boolean,
    signal: AbortSignal | undefined,
  ): Promise<PartTarget> {
    throwIfAborted(signal);
    const target = await request.target({ attempt, refresh, signal: signal ?? new AbortController().signal });
    if (!target || typeof target.url !== "string") {
      throw new InputError(`The target for ${describe(request.label)} has no url.`, { code: "INPUT_TARGET" });
    }
    return target;
  }

  /** One attempt. Never throws for HTTP or network failures; throws AbortError, and the source's own errors. */
  private async attempt<T>(
    request: BodyRequest<T>,
    target: PartTarget,
    signal: AbortSignal | undefined,
    attemptNumber: number,
    refreshCredentials: boolean,
  ): Promise<AttemptResult<T>> {
    const started = performance.now();
    const result = await this.attemptOnce(request, target, signal, refreshCredentials);
    if (this.log.enabled("debug")) {
      const outcome = result.ok ? "2xx" : result.failure.kind === "status" ? String(result.failure.status) : result.reason;
      this.log.debug(
        `${describe(request.label)}: ${target.method ?? "PUT"} ${redactUrl(target.url)} → ${outcome} in ${Math.round(performance.now() - started)} ms (attempt ${attemptNumber}, ${request.body.size} B${result.ok ? "" : `: ${result.reason}`})`,
      );
    }
    return result;
  }

  private async attemptOnce<T>(
    request: BodyRequest<T>,
    target: PartTarget,
    signal: AbortSignal | undefined,
    refreshCredentials: boolean,
  ): Promise<AttemptResult<T>> {
    const headers: Record<string, string> = { ...target.headers, "user-agent": this.userAgent };
    if (target.credentials) {
      if (this.apiOrigin === undefined || new URL(target.url).origin !== this.apiOrigin) {
        throw new InputError(
          `Refusing to send credentials to ${redactUrl(target.url)}: credentials only go to the API origin${this.apiOrigin ? ` ${this.apiOrigin}` : ""}.`,
          { code: "CREDENTIALS_FOREIGN_ORIGIN" },
        );
      }
      Object.assign(headers, await this.credentials.headers(refreshCredentials));
    }
    assertCredentialsStayOnOrigin(target.url, target.headers, this.apiOrigin);
    const { body } = request;
    const length = (body.head?.length ?? 0) + body.size + (body.tail?.length ?? 0);
    headers["content-length"] = String(length);

    const controller = new AbortController();
    const abortAttempt = () => controller.abort(signal?.reason);
    signal?.addEventListener("abort", abortAttempt, { once: true });
    let stalled = false;
    const watchdog = new StallWatchdog(this.stallTimeoutMs, () => {
      stalled = true;
      controller.abort(new Error("stalled"));
    });
    // Once the last byte is sent, the answer (head and body) must come within timeoutMs, as for any API call: a
    // server that reads the whole request and never answers keeps refreshing no watchdog of its own.
    let unanswered = false;
    let answerTimer: ReturnType<typeof setTimeout> | undefined;
    let ended = false;
    const timeoutMs = this.timeoutMs;
    const awaitAnswer = () => {
      // The meter may count the last bytes after the attempt has ended: a timer started then would keep the process
      // alive for timeoutMs after every upload was done.
      if (answerTimer !== undefined || ended) return;
      answerTimer = setTimeout(() => {
        unanswered = true;
        controller.abort(new Error(`no answer within ${timeoutMs} ms`));
      }, timeoutMs);
      (answerTimer as { unref?: () => void }).unref?.();
    };
    let sourceError: unknown;
    // Where the runtime sends Blobs (web), a body the source has as a Blob goes as one; its digests then come from
    // the source, or from the Blob read apart (in a Web Worker where one starts).
    const blob = runtimeSendsBlobs ? body.blob?.() : undefined;
    const meter = new ByteMeter(
      request.digests ?? [],
      (count) => {
        request.progress?.add(count);
        watchdog.refresh();
      },
      { bytes: body.size, description: body.description },
      blob ? (name) => body.digest?.(name) ?? hashBlob(blob, name) : body.digest,
    );
    let bytes: AsyncIterable<Uint8Array> | undefined;
    let chunks: AsyncIterable<Uint8Array>;
    try {
      if (body.chunks) chunks = body.chunks();
      else {
        bytes = body.open();
        // Its errors surface through the iteration; one raised before undici starts reading must not go unheard.
        (bytes as { on?: (event: string, listener: () => void) => void }).on?.("error", () => {});
        chunks = bytes;
      }
    } catch (error) {
      watchdog.stop();
      signal?.removeEventListener("abort", abortAttempt);
      throw error;
    }
    // A source's reused buffers go to the shared agent's writer as they are: it asks for the next chunk only once
    // the socket has taken the last (its sockets' write high-water mark, 64 KiB, is below a chunk). A `fetch`, or a
    // dispatcher of the caller's (whose sockets may buffer more), may hold chunks longer, so it gets copies.
    const copyChunks = body.chunks !== undefined && (this.config.fetch !== undefined || this.config.dispatcher !== undefined);
    const metered = meter.through(chunks, copyChunks);
    // Only errors the source raises itself (a file that shrank, a short stream) end the upload; a connection
    // reset stops the iteration from the other side and is retried like any network error.
    const sent = (async function* () {
      try {
        if (body.head) yield body.head;
        yield* metered;
        if (body.tail) yield body.tail;
        awaitAnswer();
      } catch (error) {
        sourceError ??=
          error instanceof UploadkitError
            ? error
            : new InputError(`Reading the ${body.description} failed: ${(error as Error).message}`, {
                code: "SOURCE_READ_FAILED",
                cause: error,
              });
        throw error;
      }
    })();
    const failed = (
      reason: string,
      failure: AttemptFailure,
      extra: Partial<Extract<AttemptResult<T>, { ok: false }>> = {},
    ): AttemptResult<T> => {
      request.progress?.takeBack(meter.bytes);
      return { ok: false, failure, reason, ...extra };
    };
    let answer: HttpAnswer | undefined;
    try {
      answer = await httpAttempt(
        {
          url: target.url,
          method: target.method ?? "PUT",
          headers,
          body: sent,
          blob: blob && (body.head || body.tail ? new Blob(framed(body.head, blob, body.tail)) : blob),
          sent: (total) => {
            const sourceBytes = Math.min(body.size, Math.max(0, total - (body.head?.length ?? 0)));
            meter.sentTotal(sourceBytes);
            if (total >= length) awaitAnswer();
          },
          signal: controller.signal,
        },
        { dispatcher: this.dispatcher, fetch: this.config.fetch },
      );
      watchdog.refresh();
      const status = answer.status;
      const ok = status >= 200 && status < 300;
      const text = await readBounded(answer.body as never, ok ? (request.responseLimit ?? ERROR_BODY_LIMIT) : ERROR_BODY_LIMIT);
      if (sourceError !== undefined) throw sourceError;
      if (ok) {
        const digests = await meter.digests();
        const verdict = request.accept({
          status,
          headers: Object.fromEntries(answer.headers),
          body: text,
          digest: (name) => digests.get(name),
        });
        if ("value" in verdict) return { ok: true, value: verdict.value };
        if ("error" in verdict) throw verdict.error;
        if ("fail" in verdict) return failed(verdict.fail, { kind: "status", status }, { retryable: false });
        return failed(
          verdict.retry,
          { kind: "status", status },
          { retryable: true, integrity: verdict.integrity, answer: { status, headers: answer.headers, text } },
        );
      }
      const detail = summarizeErrorBody(text);
      const reason = `HTTP ${status}${detail ? ` (${detail})` : ""}`;
      const common = { answer: { status, headers: answer.headers, text } };
      if (status >= 300 && status < 400) {
        const to = locationOrigin(answer.headers.get("location"), target.url);
        const why =
          "partNumber" in request.label
            ? `the part URL redirected${to ? ` to ${to}` : ""}; presigned part URLs must not redirect (uploadkit does not follow it)`
            : "the API answered with a redirect, which uploadkit never follows with your credentials";
        return failed(
          `${reason}: ${why}`,
          { kind: "status", status },
          {
            ...common,
            retryable: false,
          },
        );
      }
      if (status === 403 && "partNumber" in request.label) {
        return failed(reason, { kind: "status", status }, { ...common, retryable: false, refreshTarget: true });
      }
      return failed(reason, { kind: "status", status }, { ...common, retryAfterMs: serverRequestedDelay(answer.headers) });
    } catch (error) {
      if (sourceError !== undefined) throw sourceError;
      if (signal?.aborted)
        throw isAbortError(signal.reason) ? signal.reason : new AbortError(undefined, { cause: signal.reason });
      if (error instanceof UploadkitError) throw error;
      if (unanswered) {
        return failed(
          `no answer within ${timeoutMs} ms after the request was sent (timeoutMs)`,
          { kind: "network", stalled: true },
          { cause: error },
        );
      }
      if (stalled) {
        return failed(
          `no bytes moved for ${this.stallTimeoutMs} ms (stalled)`,
          { kind: "network", stalled: true },
          { cause: error },
        );
      }
      const code = networkCode(error);
      return failed(
        `network error${code ? ` ${code}` : ""}: ${(error as Error).message}${corsHint(locationOrigin(target.url, target.url) ?? "")}`,
        { kind: "network", code },
        { cause: error },
      );
    } finally {
      ended = true;
      watchdog.stop();
      clearTimeout(answerTimer);
      signal?.removeEventListener("abort", abortAttempt);
      (bytes as { destroy?: () => void } | undefined)?.destroy?.();
      sent.return(undefined).catch(() => {});
      meter.discard();
    }
  }

  private finalError<T>(
    request: BodyRequest<T>,
    target: PartTarget,
    attempts: number,
    result: Extract<AttemptResult<T>, { ok: false }>,
    note?: string,
  ): Error {
    const secrets = [...this.secrets, ...Object.values(target.headers ?? {})];
    const where = redactUrl(target.url);
    const cause = result.cause === undefined ? undefined : scrubbedCause(result.cause, secrets);
    const label = request.label;
    const tries = `${attempts} attempt${attempts === 1 ? "" : "s"}`;
    if (result.integrity) {
      const what = "partNumber" in label ? `Part ${label.partNumber}` : `${label.method} ${label.path}`;
      return new IntegrityError(
        `${what} was stored with ETag ${result.integrity.actual}, but the MD5 of the bytes sent is ${result.integrity.expected} (after ${tries} to ${where}).`,
        { code: "PART_ETAG_MISMATCH", expected: result.integrity.expected, actual: result.integrity.actual, cause },
      );
    }
    if ("partNumber" in label) {
      return new PartUploadError(
        redactSecrets(`Part ${label.partNumber} failed after ${tries} to ${where}: ${result.reason}.`, secrets),
        {
          code: result.failure.kind === "status" ? `PART_HTTP_${result.failure.status}` : "PART_NETWORK",
          partNumber: label.partNumber,
          attempts,
          status: statusOf(result),
          cause,
        },
      );
    }
    if (result.answer) {
      const response = new Response(null, { status: result.answer.status, headers: result.answer.headers });
      Object.defineProperty(response, "url", { value: target.url });
      return apiErrorFromResponse(response, parseBody(result.answer.text), label.method, secrets, note);
    }
    const stalled = result.failure.kind === "network" && result.failure.stalled;
    return new UploadkitError(redactSecrets(`${label.method} ${label.path} failed after ${tries}: ${result.reason}.`, secrets), {
      code: stalled ? "API_TIMEOUT" : "API_NETWORK",
      cause,
    });
  }
}

const REQUEST_ID_HEADERS = ["x-request-id", "request-id", "x-amz-request-id", "x-amzn-requestid", "x-correlation-id"];

function requestIdOf(headers: Headers): string | undefined {
  return REQUEST_ID_HEADERS.map((name) => headers.get(name)).find((value): value is string => Boolean(value));
}

/**
 * In a page, a CORS refusal reaches script as a bare network error: say so, naming the origin that must allow the
 * page's. Elsewhere, nothing.
 */
function corsHint(origin: string): string {
  if (!inBrowser) return "";
  const page = (globalThis as { location?: { origin?: string } }).location?.origin;
  return ` In a browser this is also how a CORS refusal looks: ${origin} must answer this page's origin${page ? ` (${page})` : ""} — its preflight (OPTIONS) and the request itself (Access-Control-Allow-Origin).`;
}

/** The origin a Location header points to (no path, query or user info), or undefined. */
function locationOrigin(location: string | null, base: string): string | undefined {
  try {
    return location ? new URL(location, base).origin : undefined;
  } catch {
    return undefined;
  }
}

/** A wait in ms as people say it: "90 s", "2 min 5 s", "1.5 s". */
function seconds(ms: number): string {
  if (ms < 10_000) return `${Math.round(ms / 100) / 10} s`;
  const total = Math.round(ms / 1000);
  return total < 120 ? `${total} s` : `${Math.floor(total / 60)} min${total % 60 ? ` ${total % 60} s` : ""}`;
}

function isRetryable(status: number, repeatable: boolean): boolean {
  return mayRepeat({ kind: "status", status }, repeatable);
}

function statusOf(result: { failure: AttemptFailure }): number | undefined {
  return result.failure.kind === "status" ? result.failure.status : undefined;
}

function describe(label: BodyRequest<unknown>["label"]): string {
  return "partNumber" in label ? `part ${label.partNumber}` : `${label.method} ${label.path}`;
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new AbortError(undefined, { cause: signal.reason });
}

function positiveMs(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new InputError(`${name} must be a whole number of milliseconds ≥ 1, got ${value}.`, { code: "INPUT_INVALID_NUMBER" });
  }
  return value;
}

/** A signal that aborts after `ms` or when `outer` aborts. */
function attemptDeadline(
  ms: number,
  outer: AbortSignal | null | undefined,
): { signal: AbortSignal; timedOut(): boolean; clear(): void } {
  const controller = new AbortController();
  let timedOut = false;
  const onOuterAbort = () => controller.abort(outer?.reason);
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(new Error(`no response within ${ms} ms`));
  }, ms);
  (timer as { unref?: () => void }).unref?.();
  outer?.addEventListener("abort", onOuterAbort, { once: true });
  return {
    signal: controller.signal,
    timedOut: () => timedOut,
    clear: () => {
      clearTimeout(timer);
      outer?.removeEventListener("abort", onOuterAbort);
    },
  };
}

/** The body as text, at most `limit` bytes; beyond it a success body is an error, an error body is cut. */
async function readBody(response: Response, limit: number, strict: boolean): Promise<string> {
  if (!response.body) return "";
  const chunks: Uint8Array[] = [];
  let length = 0;
  // Leaving the loop (break or throw) cancels the rest of the body.
  for await (const chunk of readableChunks(response.body)) {
    length += chunk.byteLength;
    if (length > limit) {
      if (strict) {
        throw new UploadkitError(
          `The API answered with a body over ${limit} bytes (after decompression); uploadkit reads at most that much.`,
          { code: "API_RESPONSE_TOO_LARGE" },
        );
      }
      chunks.push(chunk.slice(0, chunk.byteLength - (length - limit)));
      break;
    }
    chunks.push(chunk.slice());
  }
  return new TextDecoder().decode(concatBytes(chunks));
}

/** The same response with its body already read (so a huge or endless body is never handed on). */
function rebuilt(response: Response, text: string): Response {
  const headers = new Headers(response.headers);
  headers.delete("content-length");
  headers.delete("content-encoding");
  const nullBody = response.status === 204 || response.status === 205 || response.status === 304;
  const copy = new Response(nullBody ? null : text, { status: response.status, statusText: response.statusText, headers });
  Object.defineProperty(copy, "url", { value: response.url });
  return copy;
}

function parseBody(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** A copy of a low-level error with secrets and URL signatures removed from its message. */
function scrubbedCause(error: unknown, secrets: string[]): Error {
  const original = error as { name?: string; message?: string; code?: string };
  const copy = new Error(redactSecrets(String(original.message ?? error), secrets));
  copy.name = original.name ?? "Error";
  if (original.code) Object.assign(copy, { code: original.code });
  return copy;
}

/** A framed body's pieces, for a Blob of the whole request. */
function framed(head: Uint8Array | undefined, blob: Blob, tail: Uint8Array | undefined): (Uint8Array<ArrayBuffer> | Blob)[] {
  return [head, blob, tail].filter((part) => part !== undefined) as (Uint8Array<ArrayBuffer> | Blob)[];
}

import { AbortError, UploadkitError } from "../errors.js";
import { readBounded } from "../http/read-bounded.js";
import { redactSecrets, redactUrl } from "../redact.js";
import { isRetryableStatus, nextDelay, type ResolvedRetryOptions, serverRequestedDelay, sleep } from "../retry-policy.js";
import { VERSION } from "../version.js";

export interface ApiFetchOptions {
  /** Credentials go only to requests on this origin. */
  apiOrigin: string;
  /** Credential headers (e.g. `Authorization`), added to requests on `apiOrigin` only. */
  credentials: Record<string, string>;
  /** Headers for every API request (e.g. an API version header). */
  headers?: Record<string, string> | undefined;
  /** Prepended to `uploadkit/<version>` in the User-Agent. */
  userAgent?: string | undefined;
  retry: ResolvedRetryOptions;
  /** Per-attempt time limit. Default 60 s. */
  timeoutMs?: number | undefined;
  fetch?: typeof fetch | undefined;
  onRetry?: ((event: ApiRetryEvent) => void) | undefined;
}

/** An API call about to be retried. */
export interface ApiRetryEvent {
  method: string;
  path: string;
  /** The attempt that failed (1-based). */
  attempt: number;
  reason: string;
  delayMs: number;
}

const IDEMPOTENT = new Set(["GET", "HEAD", "OPTIONS", "PUT", "DELETE"]);
/** Errors raised before a connection existed: the server never saw the request, so any method may be retried. */
const NOT_SENT_CODES = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "UND_ERR_CONNECT_TIMEOUT"]);
const ERROR_BODY_LIMIT = 64 * 1024;

/**
 * The fetch that provider API clients run on: credentials only to the API origin, a User-Agent,
 * a time limit, retries where they are safe (idempotent methods on network errors, 408, 429 and 5xx;
 * POST/PATCH only when the request never reached the server, or on 429/503, which say it was not
 * processed), `Retry-After` honoured within bounds, and error bodies read to at most 64 KiB.
 */
export function createApiFetch(options: ApiFetchOptions): (input: Request) => Promise<Response> {
  const baseFetch = options.fetch ?? globalThis.fetch;
  const apiOrigin = new URL(options.apiOrigin).origin;
  const userAgent = `${options.userAgent ? `${options.userAgent} ` : ""}uploadkit/${VERSION}`;
  const secrets = Object.values(options.credentials);

  return async function apiFetch(input: Request): Promise<Response> {
    const request = new Request(input);
    const path = new URL(request.url).pathname;
    for (const [name, value] of Object.entries(options.headers ?? {}))
      if (!request.headers.has(name)) request.headers.set(name, value);
    request.headers.set("user-agent", userAgent);
    if (new URL(request.url).origin === apiOrigin) {
      for (const [name, value] of Object.entries(options.credentials)) request.headers.set(name, value);
    }
    const method = request.method.toUpperCase();
    for (let attempt = 1; ; attempt++) {
      const outer = input.signal;
      if (outer?.aborted) throw new AbortError(undefined, { cause: outer.reason });
      const timeout = attemptDeadline(options.timeoutMs ?? 60_000, outer);
      const last = attempt >= options.retry.maxAttempts;
      let response: Response;
      try {
        // The signal goes to fetch itself: a `new Request(request, { signal })` follows the signal only weakly, and
        // after a garbage collection its abort (our timeout) no longer reached the pending fetch.
        response = await baseFetch(last ? request : request.clone(), { signal: timeout.signal });
      } catch (error) {
        if (outer?.aborted) throw new AbortError(undefined, { cause: outer.reason });
        const timedOut = timeout.timedOut();
        const code = networkCode(error);
        const reason = timedOut
          ? `no response within ${options.timeoutMs ?? 60_000} ms`
          : `network error${code ? ` ${code}` : ""}`;
        const retryable = IDEMPOTENT.has(method) || (code !== undefined && NOT_SENT_CODES.has(code));
        if (!retryable || last) {
          throw new UploadkitError(
            redactSecrets(
              `${method} ${redactUrl(request.url)} failed after ${attempt} attempt${attempt === 1 ? "" : "s"}: ${reason}.`,
              secrets,
            ),
            { code: timedOut ? "API_TIMEOUT" : "API_NETWORK" },
          );
        }
        const delayMs = nextDelay(attempt, options.retry, undefined);
        options.onRetry?.({ method, path, attempt, reason, delayMs });
        await sleep(delayMs, outer ?? undefined);
        continue;
      }
      if (response.ok) return response;
      const status = response.status;
      const retryable = IDEMPOTENT.has(method) ? isRetryableStatus(status) : status === 429 || status === 503;
      if (retryable && !last) {
        const delayMs = nextDelay(attempt, options.retry, serverRequestedDelay(response.headers));
        await response.body?.cancel().catch(() => {});
        options.onRetry?.({ method, path, attempt, reason: `HTTP ${status}`, delayMs });
        await sleep(delayMs, outer ?? undefined);
        continue;
      }
      return boundedErrorResponse(response);
    }
  };
}

/** A signal that aborts after `ms` (covering the response body too) or when `outer` aborts. */
function attemptDeadline(ms: number, outer: AbortSignal | null | undefined): { signal: AbortSignal; timedOut(): boolean } {
  const controller = new AbortController();
  let timedOut = false;
  const onOuterAbort = () => controller.abort(outer?.reason);
  const timer = setTimeout(() => {
    timedOut = true;
    outer?.removeEventListener("abort", onOuterAbort);
    controller.abort(new Error(`no response within ${ms} ms`));
  }, ms);
  timer.unref();
  outer?.addEventListener("abort", onOuterAbort, { once: true });
  return { signal: controller.signal, timedOut: () => timedOut };
}

/** The same response with its body cut to ERROR_BODY_LIMIT, so a huge error page is never read whole. */
async function boundedErrorResponse(response: Response): Promise<Response> {
  const text = response.body ? await readBounded(response.body as unknown as AsyncIterable<Uint8Array>, ERROR_BODY_LIMIT) : "";
  const headers = new Headers(response.headers);
  headers.delete("content-length");
  headers.delete("content-encoding");
  const bounded = new Response(text, { status: response.status, statusText: response.statusText, headers });
  Object.defineProperty(bounded, "url", { value: response.url });
  return bounded;
}

function networkCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; current && depth < 4; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string") return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

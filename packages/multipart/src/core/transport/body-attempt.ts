import { hashBlob, httpAttempt, runtimeName } from "#runtime";
import { AbortError, InputError, isAbortError, UploadkitError } from "../errors.js";
import { ByteMeter } from "../http/byte-meter.js";
import { assertCredentialsStayOnOrigin } from "../http/credentials.js";
import { readBounded, summarizeErrorBody } from "../http/read-bounded.js";
import { redactUrl } from "../redact.js";
import { serverRequestedDelay } from "../retry-policy.js";
import type { HttpAnswer } from "../runtime/runtime-parts.js";
import type { PartTarget } from "../upload/part-target.js";
import type { CredentialSet } from "./credential-set.js";
import { type AttemptFailure, networkCode } from "./retry-rules.js";
import { StallWatchdog } from "./stall-watchdog.js";
import { corsHint, describe, framed, locationOrigin } from "./transport-answers.js";
import type { TransportLog } from "./transport-log.js";
import { type AttemptResult, type BodyRequest, ERROR_BODY_LIMIT } from "./transport-request.js";

/** What one body attempt needs of its transport. */
export interface BodyAttemptSettings {
  readonly apiOrigin: string | undefined;
  readonly credentials: CredentialSet;
  /** The dispatcher body uploads run on (the caller's, or the shared one). */
  readonly dispatcher: unknown;
  /** The caller's `fetch`, if any. */
  readonly fetch: typeof fetch | undefined;
  /** The caller gave a dispatcher of its own (its sockets may hold chunks longer). */
  readonly ownDispatcher: boolean;
  readonly stallTimeoutMs: number;
  readonly timeoutMs: number;
  readonly userAgent: string;
  /** Where an attempt's debug line goes. */
  readonly log: TransportLog;
}

/** Web runtimes send a body the source has as a Blob as one (browsers stream request bodies only over HTTP/2). */
const runtimeSendsBlobs = runtimeName === "web";

/**
 * One attempt of a body request: target headers and credentials (to the API origin only), the body metered and
 * hashed as it streams (or a Blob sent as it is), the stall watchdog and the answer's time limit, the answer read to
 * a bound and judged by the request's `accept`. Never throws for HTTP or network failures; throws AbortError, and
 * the source's own errors.
 */
export async function attemptBody<T>(
  settings: BodyAttemptSettings,
  request: BodyRequest<T>,
  target: PartTarget,
  signal: AbortSignal | undefined,
  refreshCredentials: boolean,
): Promise<AttemptResult<T>> {
  const headers: Record<string, string> = { ...target.headers, "user-agent": settings.userAgent };
  if (target.credentials) {
    if (settings.apiOrigin === undefined || new URL(target.url).origin !== settings.apiOrigin) {
      throw new InputError(
        `Refusing to send credentials to ${redactUrl(target.url)}: credentials only go to the API origin${settings.apiOrigin ? ` ${settings.apiOrigin}` : ""}.`,
        { code: "CREDENTIALS_FOREIGN_ORIGIN" },
      );
    }
    Object.assign(headers, await settings.credentials.headers(refreshCredentials));
  }
  assertCredentialsStayOnOrigin(target.url, target.headers, settings.apiOrigin);
  const { body } = request;
  const length = (body.head?.length ?? 0) + body.size + (body.tail?.length ?? 0);
  headers["content-length"] = String(length);

  const controller = new AbortController();
  const abortAttempt = () => controller.abort(signal?.reason);
  signal?.addEventListener("abort", abortAttempt, { once: true });
  let stalled = false;
  const watchdog = new StallWatchdog(settings.stallTimeoutMs, () => {
    stalled = true;
    controller.abort(new Error("stalled"));
  });
  // Once the last byte is sent, the answer (head and body) must come within timeoutMs, as for any API call: a
  // server that reads the whole request and never answers keeps refreshing no watchdog of its own.
  let unanswered = false;
  let answerTimer: ReturnType<typeof setTimeout> | undefined;
  let ended = false;
  const timeoutMs = settings.timeoutMs;
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
    // Sent as the Blob, so its stream would never be read: none is opened (in a page, each Blob.slice is a
    // synchronous call to the browser process).
    else if (blob) chunks = [] as never;
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
  const copyChunks = body.chunks !== undefined && (settings.fetch !== undefined || settings.ownDispatcher);
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
      { dispatcher: settings.dispatcher, fetch: settings.fetch },
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
    if (signal?.aborted) throw isAbortError(signal.reason) ? signal.reason : new AbortError(undefined, { cause: signal.reason });
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
        `no bytes moved for ${settings.stallTimeoutMs} ms (stalled)`,
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

/** One attempt, and its debug line (target redacted): method, URL, outcome, duration, attempt number, bytes. */
export async function attemptLogged<T>(
  settings: BodyAttemptSettings,
  request: BodyRequest<T>,
  target: PartTarget,
  signal: AbortSignal | undefined,
  attemptNumber: number,
  refreshCredentials: boolean,
): Promise<AttemptResult<T>> {
  const started = performance.now();
  const result = await attemptBody(settings, request, target, signal, refreshCredentials);
  if (settings.log.enabled("debug")) {
    const outcome = result.ok ? "2xx" : result.failure.kind === "status" ? String(result.failure.status) : result.reason;
    settings.log.debug(
      `${describe(request.label)}: ${target.method ?? "PUT"} ${redactUrl(target.url)} → ${outcome} in ${Math.round(performance.now() - started)} ms (attempt ${attemptNumber}, ${request.body.size} B${result.ok ? "" : `: ${result.reason}`})`,
    );
  }
  return result;
}

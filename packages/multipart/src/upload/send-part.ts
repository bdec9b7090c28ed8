import type { Readable } from "node:stream";
import { type Dispatcher, request } from "undici";
import { AbortError, isAbortError } from "../errors.js";
import { ByteMeter } from "../http/byte-meter.js";
import { readBounded, summarizeErrorBody } from "../http/read-bounded.js";
import type { Part } from "../plan-parts.js";
import { isRetryableStatus, serverRequestedDelay } from "../retry-policy.js";
import type { PartResponse, PartTarget } from "./part-target.js";

export type AttemptOutcome =
  | { ok: true; etag: string; bytesSent: number }
  | {
      ok: false;
      bytesSent: number;
      /** Worth another attempt. */
      retryable: boolean;
      /** The target refused access (403): a fresh target may work. */
      refreshTarget: boolean;
      /** The bytes arrived but the stored ETag is not their MD5. */
      integrity?: { expected: string; actual: string } | undefined;
      status?: number | undefined;
      retryAfterMs?: number | undefined;
      reason: string;
      cause?: unknown;
    };

export interface SendPartOptions {
  part: Part;
  body: Readable;
  target: PartTarget;
  dispatcher: Dispatcher;
  signal: AbortSignal;
  /** Abort and retry when no byte moves for this long (sending, or waiting for the response). */
  stallTimeoutMs: number;
  /** Compute the MD5 while streaming and compare it with a plain-MD5 ETag. */
  checksum: boolean;
  onBytes: (count: number) => void;
}

const PLAIN_MD5_ETAG = /^"?([0-9a-f]{32})"?$/i;

/** One attempt at one part. Never throws for HTTP or network failures; throws AbortError, and source errors. */
export async function sendPart(options: SendPartOptions): Promise<AttemptOutcome> {
  const { part, target, signal } = options;
  const attempt = new AbortController();
  const abortAttempt = () => attempt.abort(signal.reason);
  signal.addEventListener("abort", abortAttempt, { once: true });
  let stalled = false;
  const watchdog = setTimeout(() => {
    stalled = true;
    attempt.abort(new Error("stalled"));
  }, options.stallTimeoutMs);
  let sourceError: unknown;
  const meter = new ByteMeter(options.checksum ? ["md5"] : [], (count) => {
    options.onBytes(count);
    watchdog.refresh();
  });
  // Only errors the source raises itself (a file that shrank, a short stream) end the upload; a connection
  // reset destroys `meter` from the other side and is retried like any network error.
  options.body.on("error", (error) => {
    sourceError ??= error;
    meter.destroy(error);
  });
  options.body.pipe(meter);
  const failed = (
    reason: string,
    extra: Partial<Omit<Extract<AttemptOutcome, { ok: false }>, "reason">> = {},
  ): AttemptOutcome => ({
    ok: false,
    bytesSent: meter.bytes,
    retryable: true,
    refreshTarget: false,
    reason,
    ...extra,
  });
  try {
    const response = await request(target.url, {
      method: target.method ?? "PUT",
      headers: { ...target.headers, "content-length": String(part.size) },
      body: meter,
      dispatcher: options.dispatcher,
      signal: attempt.signal,
    });
    watchdog.refresh();
    const text = await readBounded(response.body);
    const status = response.statusCode;
    if (status >= 200 && status < 300) {
      const partResponse: PartResponse = { status, headers: response.headers, body: text };
      const etag = target.readEtag?.(partResponse) ?? headerValue(response.headers.etag);
      if (!etag) {
        const reason =
          "the part was accepted but the response carries no ETag (for browser uploads, the bucket's CORS rules must expose ETag)";
        return failed(reason, { retryable: false, status });
      }
      const plain = PLAIN_MD5_ETAG.exec(etag)?.[1]?.toLowerCase();
      const computed = meter.digest("md5");
      if (plain && computed && plain !== computed) {
        return failed("the stored part's ETag is not the MD5 of the bytes sent", {
          status,
          integrity: { expected: computed, actual: plain },
        });
      }
      return { ok: true, etag, bytesSent: meter.bytes };
    }
    const detail = summarizeErrorBody(text);
    const reason = `HTTP ${status}${detail ? ` (${detail})` : ""}`;
    if (status >= 300 && status < 400) {
      return failed(`${reason}: the part URL answered with a redirect; presigned part URLs must not redirect`, {
        retryable: false,
        status,
      });
    }
    if (status === 403) return failed(reason, { retryable: false, refreshTarget: true, status });
    return failed(reason, {
      retryable: isRetryableStatus(status),
      status,
      retryAfterMs: serverRequestedDelay(response.headers),
    });
  } catch (error) {
    if (sourceError !== undefined) throw sourceError;
    if (signal.aborted) throw isAbortError(signal.reason) ? signal.reason : new AbortError(undefined, { cause: signal.reason });
    if (stalled) return failed(`no bytes moved for ${options.stallTimeoutMs} ms (stalled)`, { cause: error });
    const code = (error as { code?: string }).code;
    return failed(`network error${code ? ` ${code}` : ""}: ${(error as Error).message}`, { cause: error });
  } finally {
    clearTimeout(watchdog);
    signal.removeEventListener("abort", abortAttempt);
    options.body.destroy();
    if (!meter.destroyed) meter.destroy();
  }
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

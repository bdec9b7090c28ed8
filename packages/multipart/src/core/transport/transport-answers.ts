import { AbortError, InputError, UploadkitError } from "../errors.js";
import { redactSecrets, redactUrl } from "../redact.js";
import { isRunningInBrowser } from "../runtime/is-browser.js";
import { concatBytes, readableChunks } from "../sources/byte-streams.js";
import type { PartTarget } from "../upload/part-target.js";
import { type AttemptFailure, mayRepeat } from "./retry-rules.js";
import type { TransportLog } from "./transport-log.js";
import type { BodyRequest } from "./transport-request.js";

const inBrowser = isRunningInBrowser();

// The transport's small answers and checks: request ids, hints, time limits, bounded bodies, framing.

export const REQUEST_ID_HEADERS = ["x-request-id", "request-id", "x-amz-request-id", "x-amzn-requestid", "x-correlation-id"];

export function requestIdOf(headers: Headers): string | undefined {
  return REQUEST_ID_HEADERS.map((name) => headers.get(name)).find((value): value is string => Boolean(value));
}

/**
 * In a page, a CORS refusal reaches script as a bare network error: say so, naming the origin that must allow the
 * page's. Elsewhere, nothing.
 */
export function corsHint(origin: string): string {
  if (!inBrowser) return "";
  const page = (globalThis as { location?: { origin?: string } }).location?.origin;
  return ` In a browser this is also how a CORS refusal looks: ${origin} must answer this page's origin${page ? ` (${page})` : ""} — its preflight (OPTIONS) and the request itself (Access-Control-Allow-Origin).`;
}

/** The origin a Location header points to (no path, query or user info), or undefined. */
export function locationOrigin(location: string | null, base: string): string | undefined {
  try {
    return location ? new URL(location, base).origin : undefined;
  } catch {
    return undefined;
  }
}

/** A wait in ms as people say it: "90 s", "2 min 5 s", "1.5 s". */
export function seconds(ms: number): string {
  if (ms < 10_000) return `${Math.round(ms / 100) / 10} s`;
  const total = Math.round(ms / 1000);
  return total < 120 ? `${total} s` : `${Math.floor(total / 60)} min${total % 60 ? ` ${total % 60} s` : ""}`;
}

export function isRetryable(status: number, repeatable: boolean): boolean {
  return mayRepeat({ kind: "status", status }, repeatable);
}

export function statusOf(result: { failure: AttemptFailure }): number | undefined {
  return result.failure.kind === "status" ? result.failure.status : undefined;
}

export function describe(label: BodyRequest<unknown>["label"]): string {
  return "partNumber" in label ? `part ${label.partNumber}` : `${label.method} ${label.path}`;
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new AbortError(undefined, { cause: signal.reason });
}

export function positiveMs(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new InputError(`${name} must be a whole number of milliseconds ≥ 1, got ${value}.`, { code: "INPUT_INVALID_NUMBER" });
  }
  return value;
}

/** A signal that aborts after `ms` or when `outer` aborts. */
export function attemptDeadline(
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
export async function readBody(response: Response, limit: number, strict: boolean): Promise<string> {
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
export function rebuilt(response: Response, text: string): Response {
  const headers = new Headers(response.headers);
  headers.delete("content-length");
  headers.delete("content-encoding");
  const nullBody = response.status === 204 || response.status === 205 || response.status === 304;
  const copy = new Response(nullBody ? null : text, { status: response.status, statusText: response.statusText, headers });
  Object.defineProperty(copy, "url", { value: response.url });
  return copy;
}

export function parseBody(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** A copy of a low-level error with secrets and URL signatures removed from its message. */
export function scrubbedCause(error: unknown, secrets: string[]): Error {
  const original = error as { name?: string; message?: string; code?: string };
  const copy = new Error(redactSecrets(String(original.message ?? error), secrets));
  copy.name = original.name ?? "Error";
  if (original.code) Object.assign(copy, { code: original.code });
  return copy;
}

/** A framed body's pieces, for a Blob of the whole request. */
export function framed(
  head: Uint8Array | undefined,
  blob: Blob,
  tail: Uint8Array | undefined,
): (Uint8Array<ArrayBuffer> | Blob)[] {
  return [head, blob, tail].filter((part) => part !== undefined) as (Uint8Array<ArrayBuffer> | Blob)[];
}

export async function resolveTarget<T>(
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

/** One debug line per API call attempt: method, redacted URL, status or failure, bytes, duration, attempt, request id. */
export function logApiCall(
  log: TransportLog,
  method: string,
  url: string,
  attempt: number,
  started: number,
  outcome: { status?: number; headers?: Headers; bytes?: number | undefined; reason?: string },
): void {
  if (!log.enabled("debug")) return;
  const requestId = outcome.headers ? requestIdOf(outcome.headers) : undefined;
  const result =
    outcome.status === undefined
      ? outcome.reason
      : `${outcome.status}${outcome.bytes === undefined ? "" : ` ${outcome.bytes} B`}`;
  log.debug(
    `api ${method} ${redactUrl(url)} → ${result} in ${Math.round(performance.now() - started)} ms (attempt ${attempt}${requestId ? `, request id ${requestId}` : ""})`,
  );
}

import {
  apiErrorFromResponse,
  ByteMeter,
  createMultipartFormBody,
  InputError,
  IntegrityError,
  isRetryableStatus,
  nextDelay,
  openSource,
  type ProgressListener,
  readBounded,
  resolveRetry,
  type SourceInput,
  serverRequestedDelay,
  sharedAgent,
  sleep,
  type TransferOptions,
  throwIfAborted,
  UploadkitError,
  VERSION,
} from "@uploadkit/multipart";
import { request } from "undici";
import type { components } from "./generated/openapi.js";
import { assertWithinLimits } from "./limits.js";

export type FlowkiwiMedia = components["schemas"]["Media"];

export interface UploadMediaOptions {
  /** Default: the input's file name. */
  filename?: string;
  /** Default: sniffed from the bytes, else the extension. */
  contentType?: string;
  signal?: AbortSignal;
  /** Bytes of the file sent so far. */
  onProgress?: ProgressListener;
  /** Compare the SHA-256 computed while sending with the `hash` Flowkiwi returns. Default true. */
  verifyHash?: boolean;
  /**
   * Also retry after a failure once the request may have reached the server (a connection cut mid-request,
   * 500/502/504). Off by default: if the 201 was lost, a retry creates a second media.
   */
  retryUnsafe?: boolean;
}

export interface CreateContext {
  baseUrl: string;
  credentials: Record<string, string>;
  userAgent: string | undefined;
  transfer: TransferOptions;
}

const NOT_SENT_CODES = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "UND_ERR_CONNECT_TIMEOUT"]);
const PATH = "/rest/api/medias";

/**
 * POST /rest/api/medias as a streamed multipart/form-data body. Retried only where no duplicate can result:
 * a connection that never opened, 429, and 503 with Retry-After (unless `retryUnsafe`).
 */
export async function createMedia(
  context: CreateContext,
  input: SourceInput,
  options: UploadMediaOptions = {},
): Promise<FlowkiwiMedia> {
  const source = await openSource(input, { filename: options.filename, contentType: options.contentType, rejectEmpty: true });
  const contentType = options.contentType ?? source.contentType;
  assertWithinLimits(source, contentType);
  const form = createMultipartFormBody({ field: "file", source, filename: options.filename ?? source.filename, contentType });
  const retry = resolveRetry(context.transfer.retry);
  const url = `${context.baseUrl.replace(/\/+$/, "")}${PATH}`;
  const headers = {
    ...context.credentials,
    accept: "application/ld+json, application/problem+json",
    "content-type": form.contentType,
    "content-length": String(form.contentLength),
    "user-agent": `${context.userAgent ? `${context.userAgent} ` : ""}uploadkit/${VERSION}`,
  };

  for (let attempt = 1; ; attempt++) {
    throwIfAborted(options.signal);
    if (attempt > 1 && source.kind === "stream") {
      throw new InputError(
        `The upload of the ${source.description} failed and a stream cannot be sent again; upload it from a file.`,
        {
          code: "INPUT_STREAM_RETRY",
        },
      );
    }
    let sent = 0;
    // No byte moving for stallTimeoutMs (sending, or waiting for the answer) ends the attempt.
    const attemptController = new AbortController();
    const stallMs = context.transfer.stallTimeoutMs ?? 30_000;
    let stalled = false;
    const watchdog = setTimeout(() => {
      stalled = true;
      attemptController.abort(new Error("stalled"));
    }, stallMs);
    const onAbort = () => attemptController.abort(options.signal?.reason);
    options.signal?.addEventListener("abort", onAbort, { once: true });
    const meter = new ByteMeter(["sha256"], (count) => {
      sent += count;
      watchdog.refresh();
      options.onProgress?.({ loaded: sent, total: source.size, partsDone: 0, partsTotal: 1 });
    });
    let status: number;
    let text: string;
    let responseHeaders: Record<string, string | string[] | undefined>;
    try {
      const response = await request(url, {
        method: "POST",
        headers,
        body: form.stream(meter),
        dispatcher: sharedAgent(),
        signal: attemptController.signal,
      });
      watchdog.refresh();
      status = response.statusCode;
      responseHeaders = response.headers;
      text = await readBounded(response.body, status === 201 ? 4 * 1024 * 1024 : 64 * 1024);
    } catch (error) {
      throwIfAborted(options.signal);
      const code = (error as { code?: string }).code;
      const reason = stalled ? `no bytes moved for ${stallMs} ms (stalled)` : `network error${code ? ` ${code}` : ""}`;
      const safe = (!stalled && code !== undefined && NOT_SENT_CODES.has(code)) || options.retryUnsafe === true;
      if (!safe || attempt >= retry.maxAttempts) {
        throw new UploadkitError(`POST ${PATH} failed after ${attempt} attempt${attempt === 1 ? "" : "s"}: ${reason}.`, {
          code: stalled ? "API_TIMEOUT" : "API_NETWORK",
        });
      }
      const delayMs = nextDelay(attempt, retry, undefined);
      context.transfer.onRetry?.({ method: "POST", path: PATH, attempt, reason, delayMs });
      await sleep(delayMs, options.signal);
      continue;
    } finally {
      clearTimeout(watchdog);
      options.signal?.removeEventListener("abort", onAbort);
    }
    if (status === 201) {
      const media = parseMedia(text);
      const computed = meter.digest("sha256") as string;
      if (options.verifyHash !== false && media.hash?.toLowerCase() !== computed) {
        throw new IntegrityError(
          `Flowkiwi stored media ${media.id ?? media["@id"]} with hash ${media.hash ?? "(none)"}, but the SHA-256 of the bytes sent is ${computed}.`,
          { code: "FLOWKIWI_HASH_MISMATCH", expected: computed, actual: media.hash ?? "" },
        );
      }
      options.onProgress?.({ loaded: source.size, total: source.size, partsDone: 1, partsTotal: 1 });
      return media;
    }
    const requestedMs = serverRequestedDelay(responseHeaders);
    const safe =
      status === 429 ||
      (status === 503 && requestedMs !== undefined) ||
      (options.retryUnsafe === true && isRetryableStatus(status));
    if (safe && attempt < retry.maxAttempts) {
      const delayMs = nextDelay(attempt, retry, requestedMs);
      context.transfer.onRetry?.({ method: "POST", path: PATH, attempt, reason: `HTTP ${status}`, delayMs });
      await sleep(delayMs, options.signal);
      continue;
    }
    const flat = Object.fromEntries(
      Object.entries(responseHeaders).map(([k, v]) => [k, Array.isArray(v) ? v.join(", ") : (v ?? "")]),
    );
    const response = new Response(null, { status, headers: flat });
    Object.defineProperty(response, "url", { value: url });
    throw apiErrorFromResponse(response, parseBody(text), "POST");
  }
}

function parseBody(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function parseMedia(text: string): FlowkiwiMedia {
  const body = parseBody(text);
  if (!body || typeof body !== "object" || typeof (body as FlowkiwiMedia)["@id"] !== "string") {
    throw new UploadkitError("Flowkiwi answered 201 without a Media resource in the body.", { code: "API_MALFORMED_BODY" });
  }
  return body as FlowkiwiMedia;
}

import { isRunningInBrowser } from "../core/runtime/is-browser.js";
import type { HttpAnswer, HttpAttempt, HttpVia } from "../core/runtime/runtime-parts.js";
import { oneChunk, readableChunks } from "../core/sources/byte-streams.js";
import { webGlobals, type XhrLike } from "./web-globals.js";

/** Headers a page may not set (the browser does); sending them would only fail or force a preflight. */
const BROWSER_SET_HEADERS = new Set(["content-length", "user-agent", "host", "connection"]);
/** The most of an answer XMLHttpRequest may hold (answers are read to 64 KiB at most afterwards). */
const XHR_ANSWER_LIMIT = 1024 * 1024;

/**
 * Sends one request on Web APIs, never following a redirect into a result. A Blob body goes by XMLHttpRequest where
 * there is one (its upload events report the bytes sent), else by `fetch` (the bytes are counted once it answers);
 * a body with no Blob is streamed by `fetch` (`duplex: "half"`: edge runtimes, and browsers over HTTP/2).
 */
export async function httpAttempt(attempt: HttpAttempt, via: HttpVia): Promise<HttpAnswer> {
  const headers = sendableHeaders(attempt.headers);
  const Xhr = webGlobals.XMLHttpRequest;
  if (attempt.blob && !via.fetch && Xhr) return xhrAttempt(new Xhr(), attempt, attempt.blob, headers);
  const streamed = attempt.blob === undefined && attempt.body !== undefined;
  const response = await (via.fetch ?? fetch)(attempt.url, {
    method: attempt.method,
    headers,
    body: attempt.blob ?? (attempt.body ? streamOf(attempt.body) : undefined),
    redirect: "manual",
    signal: attempt.signal,
    ...(streamed ? { duplex: "half" } : {}),
  } as RequestInit);
  if (attempt.blob) attempt.sent?.(attempt.blob.size);
  const status = response.type === "opaqueredirect" ? 307 : response.status;
  const body = response.body ? readableChunks(response.body) : oneChunk(new Uint8Array(0));
  return { status, headers: response.headers, body, discard: () => void response.body?.cancel().catch(() => {}) };
}

function sendableHeaders(headers: Record<string, string>): Record<string, string> {
  if (!isRunningInBrowser()) return headers;
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !BROWSER_SET_HEADERS.has(name.toLowerCase())));
}

function streamOf(chunks: AsyncIterable<Uint8Array>): ReadableStream<Uint8Array> {
  const iterator = chunks[Symbol.asyncIterator]();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { done, value } = await iterator.next();
      if (done) controller.close();
      else controller.enqueue(value);
    },
    async cancel() {
      await iterator.return?.();
    },
  });
}

function xhrAttempt(xhr: XhrLike, attempt: HttpAttempt, blob: Blob, headers: Record<string, string>): Promise<HttpAnswer> {
  return new Promise<HttpAnswer>((resolve, reject) => {
    const { signal } = attempt;
    const onAbort = () => xhr.abort();
    const settle = () => signal.removeEventListener("abort", onAbort);
    xhr.open(attempt.method, attempt.url);
    xhr.responseType = "arraybuffer";
    for (const [name, value] of Object.entries(headers)) xhr.setRequestHeader(name, value);
    xhr.upload.onprogress = (event) => attempt.sent?.(Math.min(event.loaded, blob.size));
    xhr.upload.onload = () => attempt.sent?.(blob.size);
    let tooLarge = false;
    xhr.onprogress = (event) => {
      if (event.loaded > XHR_ANSWER_LIMIT) {
        tooLarge = true;
        xhr.abort();
      }
    };
    xhr.onload = () => {
      settle();
      attempt.sent?.(blob.size);
      const answerHeaders = parseHeaders(xhr.getAllResponseHeaders());
      // XMLHttpRequest follows redirects itself; an answer from elsewhere is reported as the redirect it was.
      const redirectedTo = xhr.responseURL && xhr.responseURL !== new URL(attempt.url).href ? xhr.responseURL : undefined;
      if (redirectedTo) {
        resolve({
          status: 307,
          headers: new Headers({ location: new URL(redirectedTo).origin }),
          body: oneChunk(new Uint8Array(0)),
          discard: () => {},
        });
        return;
      }
      const bytes = xhr.response instanceof ArrayBuffer ? new Uint8Array(xhr.response) : new Uint8Array(0);
      resolve({ status: xhr.status, headers: answerHeaders, body: oneChunk(bytes), discard: () => {} });
    };
    xhr.onerror = () => {
      settle();
      reject(new TypeError("network error (XMLHttpRequest): the request failed or CORS refused it"));
    };
    xhr.onabort = () => {
      settle();
      if (tooLarge) reject(new TypeError(`the answer was over ${XHR_ANSWER_LIMIT} bytes`));
      else reject(signal.reason ?? new DOMException("aborted", "AbortError"));
    };
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    signal.addEventListener("abort", onAbort, { once: true });
    xhr.send(blob);
  });
}

/** `getAllResponseHeaders()` as Headers (only what the page may read: CORS hides what the server did not expose). */
function parseHeaders(text: string): Headers {
  const headers = new Headers();
  for (const line of text.trim().split(/[\r\n]+/)) {
    const colon = line.indexOf(":");
    if (colon > 0) headers.append(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
  }
  return headers;
}

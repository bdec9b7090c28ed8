import { Readable } from "node:stream";
import { type Dispatcher, request } from "undici";
import type { HttpAnswer, HttpAttempt, HttpVia } from "../core/runtime/runtime-parts.js";

/**
 * Sends one request and returns the answer's head, never following a redirect. Runs on undici's `request`
 * (the fast path for large bodies) unless the client was given a `fetch`, which then carries every request.
 * Bodies always go as chunks (`attempt.blob` is for web runtimes).
 */
export async function httpAttempt(attempt: HttpAttempt, via: HttpVia): Promise<HttpAnswer> {
  if (via.fetch) {
    const response = await via.fetch(attempt.url, {
      method: attempt.method,
      headers: attempt.headers,
      body: attempt.body ? (Readable.from(attempt.body, { objectMode: false }) as never) : undefined,
      redirect: "manual",
      signal: attempt.signal,
      ...(attempt.body ? { duplex: "half" } : {}),
    } as RequestInit);
    const body = response.body ? Readable.fromWeb(response.body as never) : Readable.from([]);
    return { status: response.status, headers: response.headers, body, discard: () => body.destroy() };
  }
  const response = await request(attempt.url, {
    method: attempt.method as Dispatcher.HttpMethod,
    headers: attempt.headers,
    // An async iterable: undici writes each chunk and asks for the next once the socket has taken it.
    body: attempt.body as never,
    dispatcher: via.dispatcher as Dispatcher,
    signal: attempt.signal,
  });
  const headers = new Headers();
  for (const [name, value] of Object.entries(response.headers)) {
    for (const item of Array.isArray(value) ? value : value === undefined ? [] : [value]) headers.append(name, item);
  }
  return { status: response.statusCode, headers, body: response.body, discard: () => response.body.destroy() };
}

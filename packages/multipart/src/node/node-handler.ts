import type { IncomingMessage, ServerResponse } from "node:http";
import { Readable } from "node:stream";
import { describeValue } from "../core/argument-checks.js";
import { InputError } from "../core/errors.js";

/** A Fetch-API handler: `(request) => Promise<Response>`. */
export type FetchHandler = (request: Request) => Promise<Response>;

/**
 * `handler` as a node:http / Express handler `(req, res)`. The request body is streamed to it (mount it before any
 * body parser, which would have read the body already); its answer is streamed back; a client that goes away aborts
 * `request.signal`.
 */
export function toNodeHandler(handler: FetchHandler): (req: unknown, res: unknown) => Promise<void> {
  if (typeof handler !== "function") {
    throw new InputError(`toNodeHandler needs the handler createUploadRoute returns, got ${describeValue(handler)}.`, {
      code: "INPUT_ROUTE_HANDLER",
    });
  }
  return async (incoming, outgoing) => {
    const [req, res] = [incoming as IncomingMessage, outgoing as ServerResponse];
    const url = new URL(
      (req as { originalUrl?: string }).originalUrl ?? req.url ?? "/",
      `http://${req.headers.host ?? "localhost"}`,
    );
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      for (const item of Array.isArray(value) ? value : value === undefined ? [] : [value]) headers.append(name, item);
    }
    const controller = new AbortController();
    res.on("close", () => {
      if (!res.writableFinished) controller.abort();
    });
    const withBody = req.method !== "GET" && req.method !== "HEAD";
    const request = new Request(url, {
      method: req.method ?? "GET",
      headers,
      signal: controller.signal,
      ...(withBody ? { body: Readable.toWeb(req) as ReadableStream<Uint8Array>, duplex: "half" } : {}),
    } as RequestInit);
    let response: Response;
    try {
      response = await handler(request);
    } catch {
      if (!res.headersSent)
        res
          .writeHead(500, { "content-type": "application/json" })
          .end('{"error":{"code":"ROUTE_FAILED","message":"The upload failed on the server."}}');
      return;
    }
    // A body the handler answered without reading to its end (a refused upload) is never read now: the connection
    // closes after the answer, or the next request on it would wait behind the unread bytes for ever.
    const unread = withBody && !req.complete;
    res.writeHead(response.status, { ...Object.fromEntries(response.headers), ...(unread ? { connection: "close" } : {}) });
    if (response.body) for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) res.write(chunk);
    res.end();
  };
}

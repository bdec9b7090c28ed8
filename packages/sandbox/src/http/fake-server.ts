import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Chaos } from "../chaos/chaos.js";
import { drain, HttpError, sendJson } from "./body.js";
import { answerCors, type CorsSettings } from "./cors.js";
import type { RateWindow } from "./rate-limit.js";
import type { RequestLog } from "./request-log.js";
import type { Router } from "./router.js";

export interface FakeServerOptions {
  name: string;
  router: Router;
  log: RequestLog;
  chaos: Chaos;
  /** Runs before routing (auth, version header); throw HttpError to answer. */
  guard?: (req: IncomingMessage, url: URL) => void;
  /** The provider's body for 404/405 and unexpected errors. */
  errorBody: (status: number, message: string) => unknown;
  /** Content type of error bodies. */
  errorContentType?: string;
  /** Headers on every response (e.g. rate-limit headers). */
  responseHeaders?: () => Record<string, string>;
  port?: number;
  host?: string;
  /** Delay before answering, to stand for a network round trip; PUTs (part and file bodies) are not delayed. */
  latencyMs?: number;
  /** Cross-origin answers (read at each request). */
  cors?: CorsSettings;
  /** Refuses calls over the rate limit with 429 and Retry-After. */
  rateLimit?: { window: RateWindow; retryAfterSeconds: () => number };
}

export interface FakeServer {
  origin: string;
  close(): Promise<void>;
}

/** An HTTP server for one fake provider: logs, chaos, guard, routing, typed error answers. */
export async function startFakeServer(options: FakeServerOptions): Promise<FakeServer> {
  const server: Server = createServer((req, res) => {
    void handle(options, req, res);
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://${options.host ?? "127.0.0.1"}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function handle(options: FakeServerOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  options.log.record(options.name, req, res);
  if (options.cors && answerCors(req, res, options.cors, false)) return;
  for (const [name, value] of Object.entries(options.responseHeaders?.() ?? {})) res.setHeader(name, value);
  if (options.rateLimit) {
    for (const [name, value] of Object.entries(options.rateLimit.window.headers())) res.setHeader(name, value);
    if (!options.rateLimit.window.admit()) {
      void drain(req).catch(() => {});
      const message = "Too many requests: slow down and retry after the time in Retry-After.";
      sendJson(
        res,
        429,
        options.errorBody(429, message),
        { "retry-after": String(options.rateLimit.retryAfterSeconds()) },
        options.errorContentType,
      );
      return;
    }
  }
  if (options.chaos.maybeFault(req, res, "api")) return;
  if (options.latencyMs && req.method !== "PUT") await new Promise((resolve) => setTimeout(resolve, options.latencyMs));
  const url = new URL(req.url ?? "/", "http://sandbox.local");
  const fail = (error: HttpError) => {
    void drain(req).catch(() => {});
    sendJson(res, error.status, error.body, error.headers, options.errorContentType);
  };
  try {
    options.guard?.(req, url);
    const match = options.router.match(req.method ?? "GET", url.pathname);
    if (match === undefined) throw new HttpError(404, options.errorBody(404, `No route for ${req.method} ${url.pathname}`));
    if (match === "methodNotAllowed")
      throw new HttpError(405, options.errorBody(405, `${req.method} is not allowed on ${url.pathname}`));
    await match.handler({ req, res, url, params: match.params });
  } catch (error) {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    if (error instanceof HttpError) return fail(error);
    fail(new HttpError(500, options.errorBody(500, `sandbox error: ${(error as Error).message}`)));
  }
}

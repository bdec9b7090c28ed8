import type { IncomingMessage, ServerResponse } from "node:http";

/** How the sandbox answers cross-origin calls (a page on another origin), as a provider and its bucket would. */
export interface CorsSettings {
  /** Answer preflights and allow any origin (echoed). Default true. */
  enabled: boolean;
  /**
   * The store's answers list `ETag` in `Access-Control-Expose-Headers`, as a bucket's CORS rule must for a page to
   * read part ETags. False hides it, as a bucket configured without it does. Default true.
   */
  exposeETag: boolean;
}

export const CORS_DEFAULTS: CorsSettings = { enabled: true, exposeETag: true };

const API_EXPOSED = [
  "Location",
  "Retry-After",
  "X-Request-Id",
  "X-RateLimit-Limit",
  "X-RateLimit-Remaining",
  "X-RateLimit-Reset",
];

/**
 * Adds CORS headers to an answer; answers a preflight (OPTIONS with Access-Control-Request-Method) itself and
 * returns true. `store`: the answer is the bucket's (ETag exposed unless the settings hide it).
 */
export function answerCors(req: IncomingMessage, res: ServerResponse, settings: CorsSettings, store: boolean): boolean {
  const origin = req.headers.origin;
  if (!settings.enabled || !origin) return false;
  res.setHeader("access-control-allow-origin", origin);
  res.setHeader("vary", "Origin");
  const requestedMethod = req.headers["access-control-request-method"];
  if (req.method === "OPTIONS" && requestedMethod) {
    res.setHeader("access-control-allow-methods", "GET, POST, PUT, PATCH, DELETE, HEAD");
    const requestedHeaders = req.headers["access-control-request-headers"];
    if (requestedHeaders) res.setHeader("access-control-allow-headers", requestedHeaders);
    res.setHeader("access-control-max-age", "600");
    req.resume();
    res.writeHead(204).end();
    return true;
  }
  const exposed = store ? (settings.exposeETag ? ["ETag", "x-amz-request-id"] : ["x-amz-request-id"]) : API_EXPOSED;
  res.setHeader("access-control-expose-headers", exposed.join(", "));
  return false;
}

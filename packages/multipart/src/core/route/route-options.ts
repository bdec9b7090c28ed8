import type { UploadResultCore } from "../engine/upload-options.js";
import type { RouteFile } from "./protocol.js";
import type { UploadRouteStore } from "./route-store.js";
import type { RouteSecret } from "./session-token.js";

/** What `onUploadComplete` is told: the request that completed the upload, the file declared, the provider's result. */
export interface UploadCompleteEvent<Result = UploadResultCore> {
  /** The page's request that finished the upload (its cookies and headers: who uploaded). */
  request: Request;
  /** What the page declared, and the route allowed (checked against what the provider stored, where it says). */
  file: RouteFile;
  /** What `uploadMedia` would have resolved with: the provider's record and the result core. */
  result: Result;
}

/** Options of `createUploadRoute`: who may upload what, decided on the server before the provider is called. */
export interface UploadRouteOptions<Options, Result = UploadResultCore> {
  /**
   * Seals session tokens (AES-256-GCM, the key derived by HKDF-SHA-256), at least 16 bytes. Give the same one to
   * every instance that serves the route: a token sealed by one is opened by any. A list rotates keys — the first
   * seals, every one opens, so tokens sealed with the old key keep working until it is removed. Default: a random
   * key per process (one instance only; tokens die with a restart).
   */
  secret?: RouteSecret | readonly RouteSecret[] | undefined;
  /** May this request upload this file? False: 403, and the provider is never called. */
  authorize?: ((request: Request, file: RouteFile) => boolean | Promise<boolean>) | undefined;
  /** Largest file in bytes: larger is 413 before any provider call. */
  maxSize?: number | undefined;
  /** The MIME types taken (`image/png`, or `image/*`): another is 415 before any provider call. */
  contentTypes?: readonly string[] | undefined;
  /** The provider options this route uploads with: fixed, or derived from the request (the signed-in user…). */
  uploadOptions?: Options | ((request: Request, file: RouteFile) => Options | Promise<Options>) | undefined;
  /** Provider options the browser may choose (default none): any other it sends is refused with 400. */
  allowOptions?: readonly (keyof Options & string)[] | undefined;
  /**
   * Carry every byte through the route, even where the provider hands out presigned part URLs (Fanvue, Record360):
   * the route then counts each part's bytes and reads the file's first bytes, so `maxSize` and `contentTypes` bind
   * what is sent, not only what the page says. Default false: parts go from the page to the store.
   */
  relay?: boolean | undefined;
  /**
   * Called on the server once per upload, after the provider completed it and before the page gets its answer;
   * what it returns (JSON) reaches the page as `serverData`. If it throws, the page gets a 500
   * `ROUTE_COMPLETE_HOOK_FAILED` and the route's log line names the provider's id.
   */
  onUploadComplete?: ((event: UploadCompleteEvent<Result>) => unknown) | undefined;
  /**
   * What makes "once" hold across instances: finished and aborted sessions, completion claims, answers. Default: in
   * this process's memory (`memoryRouteStore`). With several instances, give every one the same shared store
   * (`redisStore({ url })` from `@uploadkit/redis`).
   */
  store?: UploadRouteStore | undefined;
  /** How long a session's token is accepted. Default 1 hour. */
  sessionTtlMs?: number | undefined;
  /** Keys the default in-memory store holds (sessions finished, aborted or completing; parts reported). Default 100,000. */
  maxSessions?: number | undefined;
}

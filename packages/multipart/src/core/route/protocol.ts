// What the browser and an upload route say to each other (`createUploadRoute` on the server, `uploadThroughServer`
// in the page): typed once, here, for both sides. Every request under the route's path ends with one of ROUTE_PATHS.
import type { UploadResultCore } from "../engine/upload-options.js";

/** The last path segments of each step, under wherever the route is mounted. */
export const ROUTE_PATHS = {
  start: "sessions",
  targets: "targets",
  part: "parts",
  done: "done",
  file: "file",
  complete: "complete",
  abort: "abort",
} as const;

/** The header that carries the session token on relayed bodies. */
export const SESSION_HEADER = "x-uploadkit-session";

/** The file the browser declares before any byte is sent. */
export interface RouteFile {
  /** The name the provider records. */
  filename: string;
  /** Bytes in all. */
  size: number;
  /** The MIME type. */
  contentType: string;
}

/** `POST …/sessions`. */
export interface StartRequest {
  /** What is about to be sent. */
  file: RouteFile;
  /** Provider options the route lets the browser choose (`allowOptions`); the rest are the server's. */
  options?: Record<string, unknown> | undefined;
}

/** A part of the plan the server made. */
export interface RoutePart {
  /** 1-based. */
  partNumber: number;
  /** First byte. */
  start: number;
  /** One past the last byte. */
  end: number;
}

/** The answer to a start: the session token and how the bytes go. */
export interface StartAnswer {
  /** Opaque, signed by the server; every later call presents it. */
  session: string;
  /** The provider the route uploads to. */
  provider: string;
  /** `direct`: parts go to the presigned URLs `targets` gives; `relay`: to the route (`parts/<n>`, or `file`). */
  mode: "direct" | "relay";
  /** The parts, or none when the whole file goes in one request (`file`). */
  parts: RoutePart[];
}

/** `POST …/targets`. */
export interface TargetsRequest {
  /** The start's token. */
  session: string;
  /** The parts wanted (of this session's plan only). */
  partNumbers: number[];
  /** Ask for fresh URLs (the last ones were refused, e.g. expired). */
  refresh?: boolean | undefined;
}

/** Where each part goes: a presigned URL and the headers it was signed with. No credential is ever among them. */
export interface TargetsAnswer {
  /** One per part asked for. */
  targets: { partNumber: number; url: string; method: "PUT"; headers: Record<string, string> }[];
}

/** The answer to a relayed part (`PUT …/parts/<n>`). */
export interface RelayedPartAnswer {
  /** The part relayed. */
  partNumber: number;
  /** The store's ETag, checked by the route against the MD5 of what it relayed. */
  etag: string;
  /**
   * Sealed by the route: this session's part, relayed whole, with that ETag. A complete in relay mode lists each
   * part with its receipt as `etag` — so any instance can tell that every part went through a route.
   */
  receipt: string;
}

/** `POST …/done`: parts the page stored at their presigned URLs (direct mode), as they finish. */
export interface DoneRequest {
  /** The start's token. */
  session: string;
  /** Parts of this session's plan, each with the ETag its store answered. */
  parts: { partNumber: number; etag: string }[];
}

/** `POST …/complete`. */
export interface CompleteRequest {
  /** The start's token. */
  session: string;
  /** Every part of the plan, once, with its ETag (direct mode) or its relay receipt (relay mode). */
  parts: { partNumber: number; etag: string }[];
}

/**
 * The answer to a complete (or to a whole-file `PUT …/file`): the same result core the server got, and what the
 * server's `onUploadComplete` returned.
 */
export interface CompleteAnswer extends UploadResultCore {
  /** What `onUploadComplete` returned (JSON), when the route has one. */
  serverData?: unknown;
}

/** `POST …/abort`. */
export interface AbortRequest {
  /** The start's token. */
  session: string;
}

/**
 * Every refusal: the status says which (400, 403, 404, 409, 413, 415, 422, 500, 502, 503), the code and message say
 * why. A complete (or relayed file) of a session that already finished is refused with 409 `ROUTE_SESSION_FINISHED`
 * and carries the first complete's `answer`, so a page whose answer was lost still learns it — nothing runs again.
 */
export interface RouteErrorAnswer {
  /** Why: a stable code and a message that says what to change. */
  error: { code: string; message: string };
  /** The provider's id, when the provider stored the upload but the route refused to finish it. */
  id?: string | undefined;
  /** The first complete's answer (409 `ROUTE_SESSION_FINISHED`). */
  answer?: CompleteAnswer | undefined;
}

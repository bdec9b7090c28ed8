// What the browser and an upload route say to each other (`createUploadRoute` on the server, `uploadThroughServer`
// in the page): typed once, here, for both sides. Every request under the route's path ends with one of ROUTE_PATHS.
import type { UploadResultCore } from "../engine/upload-options.js";

/** The last path segments of each step, under wherever the route is mounted. */
export const ROUTE_PATHS = {
  start: "sessions",
  targets: "targets",
  part: "parts",
  file: "file",
  complete: "complete",
  abort: "abort",
} as const;

/** The header that carries the session token on relayed bodies. */
export const SESSION_HEADER = "x-uploadkit-session";

/** The file the browser declares before any byte is sent. */
export interface RouteFile {
  filename: string;
  size: number;
  contentType: string;
}

/** `POST …/sessions`. */
export interface StartRequest {
  file: RouteFile;
  /** Provider options the route lets the browser choose (`allowOptions`); the rest are the server's. */
  options?: Record<string, unknown> | undefined;
}

/** A part of the plan the server made. */
export interface RoutePart {
  partNumber: number;
  start: number;
  end: number;
}

/** The answer to a start: the session token and how the bytes go. */
export interface StartAnswer {
  /** Opaque, signed by the server; every later call presents it. */
  session: string;
  provider: string;
  /** `direct`: parts go to the presigned URLs `targets` gives; `relay`: to the route (`parts/<n>`, or `file`). */
  mode: "direct" | "relay";
  /** The parts, or none when the whole file goes in one request (`file`). */
  parts: RoutePart[];
}

/** `POST …/targets`. */
export interface TargetsRequest {
  session: string;
  partNumbers: number[];
  /** Ask for fresh URLs (the last ones were refused, e.g. expired). */
  refresh?: boolean | undefined;
}

/** Where each part goes: a presigned URL and the headers it was signed with. No credential is ever among them. */
export interface TargetsAnswer {
  targets: { partNumber: number; url: string; method: "PUT"; headers: Record<string, string> }[];
}

/** The answer to a relayed part (`PUT …/parts/<n>`). */
export interface RelayedPartAnswer {
  partNumber: number;
  etag: string;
}

/** `POST …/complete`. */
export interface CompleteRequest {
  session: string;
  parts: { partNumber: number; etag: string }[];
}

/** The answer to a complete (or to a whole-file `PUT …/file`): the same result core the server got. */
export type CompleteAnswer = UploadResultCore;

/** `POST …/abort`. */
export interface AbortRequest {
  session: string;
}

/** Every refusal: the status says which (400, 403, 404, 409, 413, 415, 502), the code and message say why. */
export interface RouteErrorAnswer {
  error: { code: string; message: string };
}

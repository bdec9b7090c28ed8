import type { Part } from "../plan-parts.js";

/** The response of a part request, as a target's `readEtag` sees it. */
export interface PartResponse {
  /** The HTTP status. */
  status: number;
  /** The response headers. */
  headers: Record<string, string | string[] | undefined>;
  /** The body as text (bounded to 64 KiB). */
  body: string;
}

/** Where and how to send one part. */
export interface PartTarget {
  /** Where the part goes (a presigned URL, or an API endpoint). */
  url: string;
  /** Default PUT. */
  method?: "PUT" | "POST" | undefined;
  /** Headers for this target (never credentials for a foreign origin: those are refused). */
  headers?: Record<string, string> | undefined;
  /** Add the client's credentials (only ever sent when `url` is on the API's origin). */
  credentials?: boolean | undefined;
  /** Reads the ETag when it is not in the `ETag` header (e.g. an API that returns `{ etag }` JSON). */
  readEtag?: ((response: PartResponse) => string | undefined) | undefined;
}

/** What a TargetResolver is told about the attempt it resolves for. */
export interface TargetContext {
  /** The attempt this target is for (1-based). */
  attempt: number;
  /** True when the previous target was refused with 403 (likely an expired presigned URL): return a fresh one. */
  refresh: boolean;
  /** Aborts with the upload. */
  signal: AbortSignal;
}

/** Hands out the target of each part: a presigned URL, one fetched on demand, or an API endpoint. */
export type TargetResolver = (part: Part, context: TargetContext) => PartTarget | Promise<PartTarget>;

import type { Part } from "../plan-parts.js";

/** The response of a part request, as a target's `readEtag` sees it. */
export interface PartResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The body as text (bounded to 64 KiB). */
  body: string;
}

/** Where and how to send one part. */
export interface PartTarget {
  url: string;
  /** Default PUT. */
  method?: "PUT" | "POST" | undefined;
  headers?: Record<string, string> | undefined;
  /** Add the client's credentials (only ever sent when `url` is on the API's origin). */
  credentials?: boolean | undefined;
  /** Reads the ETag when it is not in the `ETag` header (e.g. an API that returns `{ etag }` JSON). */
  readEtag?: ((response: PartResponse) => string | undefined) | undefined;
}

export interface TargetContext {
  /** The attempt this target is for (1-based). */
  attempt: number;
  /** True when the previous target was refused with 403 (likely an expired presigned URL): return a fresh one. */
  refresh: boolean;
  signal: AbortSignal;
}

/** Hands out the target of each part: a presigned URL, one fetched on demand, or an API endpoint. */
export type TargetResolver = (part: Part, context: TargetContext) => PartTarget | Promise<PartTarget>;

import { RECORD360_CONTENT_TYPES as ALLOWED } from "@uploadkit/providers";
import type { components } from "./generated/openapi.js";

/** A content type on Record360's mobile-media allowlist. */
export type Record360ContentType = components["schemas"]["ContentType"];
/** The mobile-media allowlist `multipart_upload_start` checks `content_type` against (case-insensitive). */
export const RECORD360_CONTENT_TYPES: readonly Record360ContentType[] = ALLOWED;

export function normalizeContentType(contentType: string): Record360ContentType | undefined {
  const lower = contentType.split(";")[0]?.trim().toLowerCase() as Record360ContentType;
  return RECORD360_CONTENT_TYPES.includes(lower) ? lower : undefined;
}

import type { Part } from "@uploadkit/multipart";
import { answerChecks } from "@uploadkit/multipart/internal";
import type { paths } from "./generated/openapi.js";

export type InitResponse = paths["/v2/access/uploads/init"]["post"]["responses"][200]["content"]["application/json"];

export interface UploadPlan {
  single: boolean;
  /** Exclusive ends, as @uploadkit/multipart plans them. */
  parts: Part[];
  /** Part URLs the server named (full-plan shape), by part number. */
  urls: Record<number, string>;
}

/** S3's part limit: no plan OFAuth documents goes beyond it. */
const MAX_PARTS = 10_000;
const OPERATION = "POST /v2/access/uploads/init";

/**
 * The part plan from either documented init shape: `parts[]` with inclusive byte ranges, or `{ mediaUploadId }`
 * with `x-ofauth-upload-total-parts` / `x-ofauth-upload-part-size` headers (one part when absent). Every number is
 * checked against the file before anything is allocated, and a plan that does not cover the file exactly, or says
 * "single" but has more parts, is a ProviderResponseError: uploading by it would lose bytes.
 */
export function planFromInit(body: InitResponse, headers: Headers, size: number): UploadPlan {
  const check = answerChecks("ofauth", OPERATION);
  const fail = check.fail;
  const mediaUploadId = check.string(body?.mediaUploadId, "mediaUploadId");
  if (mediaUploadId === "." || mediaUploadId === "..") fail("mediaUploadId", "an id that would change the API path");
  const most = Math.min(MAX_PARTS, size);
  let parts: Part[];
  const urls: Record<number, string> = {};
  if (Array.isArray(body.parts) && body.parts.length > 0) {
    if (body.parts.length > most) fail("parts", `${body.parts.length} parts for a ${size}-byte file`);
    parts = body.parts.map((part, index) => {
      const field = `parts[${index}]`;
      const partNumber = check.integer(part?.partNumber, `${field}.partNumber`, 1, most);
      const start = check.integer(part?.byteRange?.start, `${field}.byteRange.start`, 0, size - 1);
      const end = check.integer(part?.byteRange?.end, `${field}.byteRange.end`, start, size - 1) + 1;
      urls[partNumber] = check.httpUrl(part?.uploadUrl, `${field}.uploadUrl`);
      return { partNumber, start, end, size: end - start };
    });
    parts.sort((a, b) => a.partNumber - b.partNumber);
  } else {
    const total = check.integer(
      announced(headers.get("x-ofauth-upload-total-parts"), body.totalParts, 1),
      "x-ofauth-upload-total-parts",
      1,
      most,
    );
    const partSize = check.integer(
      announced(headers.get("x-ofauth-upload-part-size"), body.partSize, size),
      "x-ofauth-upload-part-size",
      1,
      Number.MAX_SAFE_INTEGER,
    );
    if ((total - 1) * partSize >= size) {
      fail(
        "x-ofauth-upload-total-parts",
        `${total} parts of ${partSize} bytes for a ${size}-byte file (the last would be empty)`,
      );
    }
    parts = Array.from({ length: total }, (_, index) => {
      const start = index * partSize;
      const end = index === total - 1 ? size : start + partSize;
      return { partNumber: index + 1, start, end, size: end - start };
    });
  }
  let expected = 0;
  for (const [index, part] of parts.entries()) {
    if (part.partNumber !== index + 1 || part.start !== expected || part.size <= 0) {
      fail("parts", `a plan that does not cover the file's ${size} bytes in order (at part ${part.partNumber})`);
    }
    expected = part.end;
  }
  if (expected !== size) fail("parts", `a plan covering ${expected} bytes of a ${size}-byte file`);
  if (body.uploadType === "single" && parts.length > 1) fail("uploadType", `"single" with a plan of ${parts.length} parts`);
  return { single: body.uploadType === "single" || parts.length === 1, parts, urls };
}

/** A header's number, else the body's, else the default; anything not a plain number stays as given, to be refused. */
function announced(header: string | null, fromBody: unknown, fallback: number): unknown {
  if (header !== null) return /^\d{1,15}$/.test(header.trim()) ? Number(header.trim()) : header;
  return fromBody ?? fallback;
}

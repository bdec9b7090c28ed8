import { type Part, UploadkitError } from "@uploadkit/multipart";
import type { paths } from "./generated/openapi.js";

export type InitResponse = paths["/v2/access/uploads/init"]["post"]["responses"][200]["content"]["application/json"];

export interface UploadPlan {
  single: boolean;
  /** Exclusive ends, as @uploadkit/multipart plans them. */
  parts: Part[];
  /** Part URLs the server named (full-plan shape), by part number. */
  urls: Record<number, string>;
}

/**
 * The part plan from either documented init shape: `parts[]` with inclusive byte ranges, or `{ mediaUploadId }`
 * with `x-ofauth-upload-total-parts` / `x-ofauth-upload-part-size` headers (one part when absent).
 * A plan that does not cover the file exactly is an error: uploading by it would lose bytes.
 */
export function planFromInit(body: InitResponse, headers: Headers, size: number): UploadPlan {
  let parts: Part[];
  const urls: Record<number, string> = {};
  if (Array.isArray(body.parts) && body.parts.length > 0) {
    parts = [...body.parts]
      .sort((a, b) => a.partNumber - b.partNumber)
      .map((part) => {
        urls[part.partNumber] = part.uploadUrl;
        return {
          partNumber: part.partNumber,
          start: part.byteRange.start,
          end: part.byteRange.end + 1,
          size: part.byteRange.end + 1 - part.byteRange.start,
        };
      });
  } else {
    const total = positiveInteger(headers.get("x-ofauth-upload-total-parts")) ?? body.totalParts ?? 1;
    const partSize = positiveInteger(headers.get("x-ofauth-upload-part-size")) ?? body.partSize ?? size;
    parts = Array.from({ length: total }, (_, index) => {
      const start = Math.min(size, index * partSize);
      const end = index === total - 1 ? size : Math.min(size, start + partSize);
      return { partNumber: index + 1, start, end, size: end - start };
    });
  }
  let expected = 0;
  for (const [index, part] of parts.entries()) {
    if (part.partNumber !== index + 1 || part.start !== expected || part.size <= 0) {
      throw new UploadkitError(
        `OFAuth's upload plan for ${body.mediaUploadId} does not cover the file's ${size} bytes in order (part ${part.partNumber}).`,
        {
          code: "OFAUTH_BAD_PLAN",
        },
      );
    }
    expected = part.end;
  }
  if (expected !== size) {
    throw new UploadkitError(
      `OFAuth's upload plan for ${body.mediaUploadId} covers ${expected} bytes, but the file has ${size}.`,
      { code: "OFAUTH_BAD_PLAN" },
    );
  }
  return { single: body.uploadType === "single" || parts.length === 1, parts, urls };
}

function positiveInteger(value: string | null): number | undefined {
  const number = Number(value);
  return value !== null && Number.isInteger(number) && number > 0 ? number : undefined;
}

import { fileTypeFromBuffer } from "file-type";
import { extension, lookup } from "mime-types";

export const FALLBACK_CONTENT_TYPE = "application/octet-stream";

/** How many leading bytes the sniffer looks at. */
export const SNIFF_BYTES = 4100;

/** The MIME type from the first bytes (file-type), else from the file name's extension, else octet-stream. */
export async function detectContentType(head: Uint8Array, filename: string): Promise<string> {
  const sniffed = head.length > 0 ? await fileTypeFromBuffer(head) : undefined;
  if (sniffed) return sniffed.mime;
  return lookup(filename) || FALLBACK_CONTENT_TYPE;
}

/** `upload.<ext>` for an input without a name (bytes, streams), from its content type. */
export function defaultFilename(contentType: string): string {
  const ext = extension(contentType);
  return ext && ext !== "bin" ? `upload.${ext}` : "upload";
}

import { extension, lookup } from "mime-types";

export const FALLBACK_CONTENT_TYPE = "application/octet-stream";

/** How many leading bytes the sniffer looks at. */
export const SNIFF_BYTES = 4100;

// file-type is loaded on the first sniff: its modules cost 3.5 MiB of RSS, which an upload given its content type
// never needs.
let sniffer: Promise<typeof import("file-type")> | undefined;

/** The MIME type from the first bytes (file-type), else from the file name's extension, else octet-stream. */
export async function detectContentType(head: Uint8Array, filename: string): Promise<string> {
  const sniffed = head.length > 0 ? await sniff(head) : undefined;
  if (sniffed) return sniffed.mime;
  return lookup(filename) || FALLBACK_CONTENT_TYPE;
}

async function sniff(head: Uint8Array) {
  sniffer ??= import("file-type");
  return (await sniffer).fileTypeFromBuffer(head);
}

/** `upload.<ext>` for an input without a name (bytes, streams), from its content type. */
export function defaultFilename(contentType: string): string {
  const ext = extension(contentType);
  return ext && ext !== "bin" ? `upload.${ext}` : "upload";
}

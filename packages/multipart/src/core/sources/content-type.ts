import { contentTypeOfName, extensionOfType, sniffContentType } from "#runtime";

export const FALLBACK_CONTENT_TYPE = "application/octet-stream";

/** How many leading bytes the sniffer looks at. */
export const SNIFF_BYTES = 4100;

/** The MIME type from the first bytes, else from the file name's extension, else octet-stream. */
export async function detectContentType(head: Uint8Array, filename: string): Promise<string> {
  const sniffed = head.length > 0 ? await sniffContentType(head) : undefined;
  return sniffed ?? (await contentTypeOfName(filename)) ?? FALLBACK_CONTENT_TYPE;
}

/** `upload.<ext>` for an input without a name (bytes, streams), from its content type. */
export async function defaultFilename(contentType: string): Promise<string> {
  const ext = await extensionOfType(contentType);
  return ext && ext !== "bin" ? `upload.${ext}` : "upload";
}

import { extension, lookup } from "mime-types";

// file-type is loaded on the first sniff: its modules cost 3.5 MiB of RSS, which an upload given its content type
// never needs.
let sniffer: Promise<typeof import("file-type")> | undefined;

/** The MIME type file-type reads in the first bytes, if any. */
export async function sniffContentType(head: Uint8Array): Promise<string | undefined> {
  sniffer ??= import("file-type");
  return (await (await sniffer).fileTypeFromBuffer(head))?.mime;
}

/** The MIME type of a file name's extension (mime-types), if known. */
export function contentTypeOfName(filename: string): string | undefined {
  return lookup(filename) || undefined;
}

/** The usual extension of a MIME type (mime-types), if known. */
export function extensionOfType(contentType: string): string | undefined {
  return extension(contentType) || undefined;
}

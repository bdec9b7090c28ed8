// file-type and mime-types load on first use: file-type costs RSS and start-up an upload given its content type
// never needs (it is bundled into one module at build: file-type.ts), and mime-types parses mime-db's table (~16 ms,
// measured on Node 20), which an upload whose bytes file-type names never needs.
let sniffer: Promise<typeof import("./file-type.js")> | undefined;
let names: Promise<typeof import("mime-types")> | undefined;

/** The MIME type file-type reads in the first bytes, if any. */
export async function sniffContentType(head: Uint8Array): Promise<string | undefined> {
  sniffer ??= import("./file-type.js");
  return (await (await sniffer).fileTypeFromBuffer(head))?.mime;
}

/** The MIME type of a file name's extension (mime-types), if known. */
export async function contentTypeOfName(filename: string): Promise<string | undefined> {
  names ??= import("mime-types");
  return (await names).lookup(filename) || undefined;
}

/** The usual extension of a MIME type (mime-types), if known. */
export async function extensionOfType(contentType: string): Promise<string | undefined> {
  names ??= import("mime-types");
  return (await names).extension(contentType) || undefined;
}

// MIME types without a database: in a page, a File already carries the type the browser gave it, so what is left
// is naming bytes and streams. A table of the media these providers take, and their leading bytes, keeps the web
// build small (mime-db and file-type, which Node uses, weigh more than the whole web bundle's budget).

const BY_EXTENSION: Record<string, string> = {
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  png: "image/png",
  gif: "image/gif",
  webp: "image/webp",
  avif: "image/avif",
  heic: "image/heic",
  heif: "image/heif",
  bmp: "image/bmp",
  tif: "image/tiff",
  tiff: "image/tiff",
  svg: "image/svg+xml",
  mp4: "video/mp4",
  m4v: "video/x-m4v",
  mov: "video/quicktime",
  webm: "video/webm",
  mkv: "video/x-matroska",
  avi: "video/x-msvideo",
  mp3: "audio/mpeg",
  m4a: "audio/mp4",
  wav: "audio/wav",
  ogg: "audio/ogg",
  aac: "audio/aac",
  pdf: "application/pdf",
  json: "application/json",
  txt: "text/plain",
  csv: "text/csv",
  zip: "application/zip",
};

const EXTENSION_OF: Record<string, string> = {
  "image/jpeg": "jpg",
  "video/quicktime": "mov",
  "audio/mpeg": "mp3",
  "audio/mp4": "m4a",
  "image/tiff": "tif",
};
for (const [ext, type] of Object.entries(BY_EXTENSION)) EXTENSION_OF[type] ??= ext;

/** The MIME type of a file name's extension, if in the table. */
export function contentTypeOfName(filename: string): string | undefined {
  const dot = filename.lastIndexOf(".");
  return dot < 0 ? undefined : BY_EXTENSION[filename.slice(dot + 1).toLowerCase()];
}

/** The usual extension of a MIME type, if in the table. */
export function extensionOfType(contentType: string): string | undefined {
  return EXTENSION_OF[contentType.split(";")[0]?.trim().toLowerCase() ?? ""];
}

const ascii = (bytes: Uint8Array, start: number, end: number) => String.fromCharCode(...bytes.subarray(start, end));

/** The media type the leading bytes show (the formats in the table), if any. */
export async function sniffContentType(head: Uint8Array): Promise<string | undefined> {
  const at = (offset: number, ...values: number[]) => values.every((value, index) => head[offset + index] === value);
  if (at(0, 0xff, 0xd8, 0xff)) return "image/jpeg";
  if (at(0, 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return "image/png";
  if (ascii(head, 0, 4) === "GIF8") return "image/gif";
  if (ascii(head, 0, 4) === "RIFF" && ascii(head, 8, 12) === "WEBP") return "image/webp";
  if (ascii(head, 0, 4) === "RIFF" && ascii(head, 8, 12) === "WAVE") return "audio/wav";
  if (ascii(head, 0, 4) === "RIFF" && ascii(head, 8, 12) === "AVI ") return "video/x-msvideo";
  if (ascii(head, 0, 5) === "%PDF-") return "application/pdf";
  if (at(0, 0x1a, 0x45, 0xdf, 0xa3)) return ascii(head, 0, 64).includes("webm") ? "video/webm" : "video/x-matroska";
  if (ascii(head, 4, 8) === "ftyp") {
    const brand = ascii(head, 8, 12);
    if (brand === "qt  ") return "video/quicktime";
    if (brand.startsWith("avif")) return "image/avif";
    if (brand.startsWith("hei") || brand === "mif1") return "image/heic";
    if (brand.startsWith("M4A")) return "audio/mp4";
    return "video/mp4";
  }
  if (ascii(head, 0, 3) === "ID3" || at(0, 0xff, 0xfb)) return "audio/mpeg";
  if (ascii(head, 0, 4) === "OggS") return "audio/ogg";
  return undefined;
}

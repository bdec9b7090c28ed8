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
export async function contentTypeOfName(filename: string): Promise<string | undefined> {
  const dot = filename.lastIndexOf(".");
  return dot < 0 ? undefined : BY_EXTENSION[filename.slice(dot + 1).toLowerCase()];
}

/** The usual extension of a MIME type, if in the table. */
export async function extensionOfType(contentType: string): Promise<string | undefined> {
  return EXTENSION_OF[contentType.split(";")[0]?.trim().toLowerCase() ?? ""];
}

export { sniffSignature as sniffContentType } from "../core/sources/media-signatures.js";

import type { ByteMeter } from "../http/byte-meter.js";
import { hex } from "../http/hex.js";
import { assertMimeType } from "../sources/mime-type.js";
import type { UploadSource } from "../sources/upload-source.js";

export interface MultipartFormBody {
  /** `multipart/form-data; boundary=…` */
  contentType: string;
  /** Exact body length, known because the source's size is. */
  contentLength: number;
  /** The bytes before the file's (text fields, the file part's headers) and after them (the closing boundary). */
  head: Uint8Array;
  tail: Uint8Array;
  /**
   * The body, streamed: the file's bytes are read as they are sent, never held whole. `fileBytes`, when
   * given, meters the file's bytes (only) — to hash them or count progress.
   */
  stream(fileBytes?: ByteMeter): AsyncIterable<Uint8Array>;
}

export interface MultipartFormOptions {
  /** The form field that carries the file (e.g. "file"). */
  field: string;
  source: UploadSource;
  /** Default: the source's filename and content type. */
  filename?: string | undefined;
  contentType?: string | undefined;
  /** Other text fields, sent before the file. */
  fields?: Record<string, string> | undefined;
}

/** A streaming `multipart/form-data` body with one file part (RFC 7578). */
export function createMultipartFormBody(options: MultipartFormOptions): MultipartFormBody {
  const boundary = `----uploadkit${randomHex(16)}`;
  const filename = options.filename ?? options.source.filename;
  const fileType = options.contentType ?? options.source.contentType;
  assertMimeType(fileType);
  const textParts = Object.entries(options.fields ?? {})
    .map(([name, value]) => `--${boundary}\r\nContent-Disposition: form-data; name="${escapeQuoted(name)}"\r\n\r\n${value}\r\n`)
    .join("");
  const encoder = new TextEncoder();
  const head = encoder.encode(
    `${textParts}--${boundary}\r\nContent-Disposition: form-data; name="${escapeQuoted(options.field)}"; filename="${escapeQuoted(filename)}"\r\nContent-Type: ${fileType}\r\n\r\n`,
  );
  const tail = encoder.encode(`\r\n--${boundary}--\r\n`);
  return {
    contentType: `multipart/form-data; boundary=${boundary}`,
    contentLength: head.length + options.source.size + tail.length,
    head,
    tail,
    stream: async function* (fileBytes) {
      yield head;
      yield* fileBytes ? fileBytes.through(options.source.stream()) : options.source.stream();
      yield tail;
    },
  };
}

/** Quotes, line breaks and every other control character in field and file names are percent-encoded, as browsers do. */
function escapeQuoted(value: string): string {
  let escaped = "";
  for (const char of value) {
    const code = char.charCodeAt(0);
    escaped += char === '"' || code < 0x20 || code === 0x7f ? `%${code.toString(16).toUpperCase().padStart(2, "0")}` : char;
  }
  return escaped;
}

function randomHex(bytes: number): string {
  return hex(crypto.getRandomValues(new Uint8Array(bytes)));
}

import { openFileSource, fileUrlToPath as pathOfFileUrl } from "#runtime";
import { assertOptions, type OptionKind } from "../argument-checks.js";
import { InputError } from "../errors.js";
import { oneChunk, readableChunks } from "./byte-streams.js";
import { defaultFilename, detectContentType, SNIFF_BYTES } from "./content-type.js";
import { assertMimeType, assertNameAndType } from "./mime-type.js";
import { RandomAccessSource } from "./random-access-source.js";
import { type StreamInput, StreamSource } from "./stream-source.js";
import type { UploadSource } from "./upload-source.js";

/** Anything uploadkit can upload: a path or `file:` URL, bytes (a Uint8Array or an ArrayBuffer), a Blob/File, or a stream of known size. */
export type SourceInput = string | URL | Uint8Array | ArrayBuffer | Blob | StreamInput;

/** Options of `openSource`. */
export interface OpenSourceOptions {
  /** Overrides the name taken from the path or File (default for bytes and streams: `upload.<ext>`). */
  filename?: string | undefined;
  /** Overrides the sniffed MIME type. */
  contentType?: string | undefined;
  /** Reject a 0-byte input (for providers that forbid empty files). */
  rejectEmpty?: boolean | undefined;
}

const OPEN_SOURCE_OPTIONS: Readonly<Record<keyof OpenSourceOptions, OptionKind>> = {
  filename: true,
  contentType: true,
  rejectEmpty: "boolean",
};

/**
 * Opens `input` for upload. The content type is sniffed from the first bytes (file-type on Node), else taken
 * from the file name's extension, else `application/octet-stream`. Bad input throws an InputError
 * naming the input.
 */
export async function openSource(input: SourceInput, options: OpenSourceOptions = {}): Promise<UploadSource> {
  assertOptions(options, "openSource's options", OPEN_SOURCE_OPTIONS);
  assertNameAndType(options);
  const source = await open(input, options);
  if (options.rejectEmpty && source.size === 0) {
    throw new InputError(`The ${source.description} is empty (0 bytes); this provider does not accept empty files.`, {
      code: "INPUT_EMPTY",
    });
  }
  return source;
}

async function open(input: SourceInput, options: OpenSourceOptions): Promise<UploadSource> {
  if (isStreamInput(input) && input.contentType !== undefined) assertMimeType(input.contentType, "the stream's contentType");
  if (typeof input === "string") {
    if (input.length === 0) throw new InputError("The file path is empty.", { code: "INPUT_INVALID" });
    return openFileSource(input.startsWith("file:") ? fileUrlToPath(input) : input, options);
  }
  if (input instanceof URL) return openFileSource(fileUrlToPath(input), options);
  if (input instanceof Uint8Array) return openBytes(input, options);
  if (input instanceof ArrayBuffer) return openBytes(new Uint8Array(input), options, "ArrayBuffer");
  if (typeof Blob !== "undefined" && input instanceof Blob) return openBlob(input, options);
  if (isStreamInput(input)) return openStream(input, options);
  throw new InputError(
    "Unsupported input: give a file path, a file: URL, a Uint8Array/Buffer or an ArrayBuffer, a Blob/File, or { stream, size } for a stream of known size.",
    { code: "INPUT_UNSUPPORTED" },
  );
}

function fileUrlToPath(url: string | URL): string {
  const text = String(url);
  if (!text.startsWith("file:")) {
    throw new InputError(
      `Only file: URLs can be uploaded directly, got ${new URL(text).protocol} (download it first, or pass a stream).`,
      {
        code: "INPUT_UNSUPPORTED",
      },
    );
  }
  return pathOfFileUrl(text);
}

async function openBytes(bytes: Uint8Array, options: OpenSourceOptions, kind = bytes.constructor.name): Promise<UploadSource> {
  const contentType = options.contentType ?? (await detectContentType(bytes.subarray(0, SNIFF_BYTES), options.filename ?? ""));
  const view = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return new RandomAccessSource({
    kind: "bytes",
    size: bytes.byteLength,
    filename: options.filename ?? (await defaultFilename(contentType)),
    contentType,
    description: `${bytes.byteLength}-byte ${kind}`,
    stream: (start, end) => oneChunk(view.subarray(start, end)),
    read: async (start, end) => view.subarray(start, end),
    blob: (start, end) => new Blob([view.subarray(start, end) as Uint8Array<ArrayBuffer>]),
  });
}

async function openBlob(blob: Blob, options: OpenSourceOptions): Promise<UploadSource> {
  const fileName = typeof (blob as File).name === "string" && (blob as File).name ? (blob as File).name : undefined;
  const lastModified = (blob as File).lastModified;
  const name = options.filename ?? fileName;
  const head = new Uint8Array(await blob.slice(0, SNIFF_BYTES).arrayBuffer());
  const contentType = options.contentType ?? (blob.type || (await detectContentType(head, name ?? "")));
  return new RandomAccessSource({
    kind: "blob",
    size: blob.size,
    filename: name ?? (await defaultFilename(contentType)),
    contentType,
    description: name ? `Blob "${name}"` : `${blob.size}-byte Blob`,
    stream: (start, end) => readableChunks(blob.slice(start, end).stream()),
    read: async (start, end) => new Uint8Array(await blob.slice(start, end).arrayBuffer()),
    blob: (start, end) => (start === 0 && end === blob.size ? blob : blob.slice(start, end)),
    identity: fileName ? { name: fileName, ...(Number.isFinite(lastModified) ? { mtimeMs: lastModified } : {}) } : undefined,
  });
}

async function openStream(input: StreamInput, options: OpenSourceOptions): Promise<UploadSource> {
  if (!Number.isSafeInteger(input.size) || input.size < 0) {
    throw new InputError(`A stream source needs its exact size in bytes as { stream, size }, got size ${input.size}.`, {
      code: "INPUT_STREAM_SIZE",
    });
  }
  const filename = options.filename ?? input.filename;
  return StreamSource.open(input, {
    description: filename ? `stream "${filename}"` : `${input.size}-byte stream`,
    filename,
    contentType: options.contentType ?? input.contentType,
  });
}

function isStreamInput(input: unknown): input is StreamInput {
  if (input === null || typeof input !== "object" || !("stream" in input)) return false;
  const { stream } = input as { stream: unknown };
  if (stream === null || typeof stream !== "object") return false;
  return Symbol.asyncIterator in stream || typeof (stream as ReadableStream).getReader === "function";
}

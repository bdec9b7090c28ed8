import { createReadStream, type Stats } from "node:fs";
import { type FileHandle, open, stat } from "node:fs/promises";
import { basename, resolve } from "node:path";
import { Readable, Transform, type TransformCallback } from "node:stream";
import { InputError, SourceChangedError } from "../core/errors.js";
import type { Part } from "../core/plan-parts.js";
import { detectContentType, SNIFF_BYTES } from "../core/sources/content-type.js";
import { edgesSha256 } from "../core/sources/edges-hash.js";
import type { PartBody, SourceDigest, SourceFingerprint, UploadSource } from "../core/sources/upload-source.js";
import { hashFileRange, RangeReadError } from "./hash-pool.js";
import { ReadBuffers } from "./read-buffers.js";
import { READ_SLACK_BYTES, readOffset } from "./read-offset.js";

export interface FileSourceOptions {
  filename?: string | undefined;
  contentType?: string | undefined;
}

/**
 * How much `readRange` reads at a time. Above any socket's write high-water mark (16 KiB on Node 20, 64 KiB since
 * 22), so undici's writer never asks for a chunk while the one before the last is still being written. 1 MiB rather
 * than 256 KiB spares the sending thread ~0.1 CPU s per GiB of per-chunk work (reads, writes, drains).
 */
const READ_CHUNK_BYTES = 1024 * 1024;
/** Read buffers kept for the next ranges: two per part, for up to eight parts in flight. */
const KEPT_READ_BUFFERS = 16;

/** A file on disk, read by byte range as each part is sent: never loaded whole. */
export async function openFileSource(path: string, options: FileSourceOptions = {}): Promise<UploadSource> {
  const absolute = resolve(path);
  const stats = await statOrExplain(absolute);
  const head = await readRange(absolute, 0, Math.min(stats.size, SNIFF_BYTES));
  const filename = options.filename ?? basename(absolute);
  const contentType = options.contentType ?? (await detectContentType(head, filename));
  return new FileSource(absolute, stats, filename, contentType);
}

class FileSource implements UploadSource {
  readonly kind = "file";
  readonly size: number;
  readonly description: string;
  private readonly buffers = new ReadBuffers(READ_CHUNK_BYTES + READ_SLACK_BYTES, KEPT_READ_BUFFERS);
  constructor(
    readonly path: string,
    private readonly stats: Stats,
    readonly filename: string,
    readonly contentType: string,
  ) {
    this.size = stats.size;
    this.description = `file ${path}`;
  }

  async partBody(part: Part): Promise<PartBody> {
    return {
      open: () => {
        if (part.size === 0) return Readable.from([]);
        return exactRange(this.path, part.start, part.end, this.description);
      },
      release: () => {},
    };
  }

  stream(): Readable {
    if (this.size === 0) return Readable.from([]);
    return exactRange(this.path, 0, this.size, this.description);
  }

  async *readRange(start: number, end: number): AsyncGenerator<Uint8Array> {
    if (start === end) return;
    const handle = await open(this.path, "r");
    // Two buffers in turn: the one being read into is never the chunk last handed on. A range of one chunk or less
    // needs one buffer of its own size (many small files at once hold no more than their bytes).
    const small = end - start <= READ_CHUNK_BYTES;
    const buffers = small ? [Buffer.allocUnsafeSlow(end - start + READ_SLACK_BYTES)] : [this.buffers.take(), this.buffers.take()];
    try {
      for (let position = start, turn = 0; position < end; turn ^= 1) {
        // A short read of a small range: a second buffer for the rest, as the first may still be in flight.
        if (turn === buffers.length) buffers.push(Buffer.allocUnsafeSlow(end - position + READ_SLACK_BYTES));
        const buffer = buffers[turn] as Buffer;
        const offset = readOffset(position);
        const { bytesRead } = await handle.read(buffer, offset, Math.min(READ_CHUNK_BYTES, end - position), position);
        if (bytesRead === 0) {
          throw new SourceChangedError(
            `The ${this.description} changed during the upload: it ends at byte ${position}, where ${end} bytes were planned. Upload it again once it is stable.`,
            { code: "SOURCE_CHANGED" },
          );
        }
        position += bytesRead;
        yield buffer.subarray(offset, offset + bytesRead);
      }
    } finally {
      // The consumer asks for more (or ends) only once the last chunk is written: the buffers are free again.
      if (!small) for (const buffer of buffers) this.buffers.give(buffer);
      await handle.close();
    }
  }

  digestRange(start: number, end: number, algorithm: "md5" | "sha256"): SourceDigest | undefined {
    const range = hashFileRange(this.path, start, end, algorithm);
    if (!range) return undefined;
    return {
      digest: () =>
        range.digest().catch((error: unknown) => {
          if (!(error instanceof RangeReadError)) throw error;
          throw new SourceChangedError(
            `The ${this.description} changed during the upload: reading bytes ${start}–${end} again to check them failed (${error.message}). Upload it again once it is stable.`,
            { code: "SOURCE_CHANGED", cause: error },
          );
        }),
      discard: () => range.discard(),
      prioritize: () => range.prioritize?.(),
    };
  }

  async fingerprint(): Promise<SourceFingerprint> {
    return {
      kind: this.kind,
      size: this.size,
      path: this.path,
      mtimeMs: this.stats.mtimeMs,
      edgesSha256: await edgesSha256(this.size, (start, end) => readRange(this.path, start, end)),
    };
  }

  async assertUnchanged(): Promise<void> {
    const now = await stat(this.path).catch(() => undefined);
    if (!now || now.size !== this.size || now.mtimeMs !== this.stats.mtimeMs) {
      const what = !now ? "was removed" : now.size !== this.size ? `is now ${now.size} bytes, was ${this.size}` : "was modified";
      throw new SourceChangedError(
        `The ${this.description} changed during the upload (it ${what}). Upload it again once it is stable.`,
        {
          code: "SOURCE_CHANGED",
        },
      );
    }
  }
}

/** Bytes [start, end) of the file; a read error or a file that shrank errors the returned stream (never unhandled). */
function exactRange(path: string, start: number, end: number, description: string): Readable {
  const range = createReadStream(path, { start, end: end - 1, highWaterMark: 256 * 1024 });
  const exact = new ExactLength(end - start, description);
  range.on("error", (error) => exact.destroy(error));
  exact.on("close", () => range.destroy());
  return range.pipe(exact);
}

/** Fails the part if the file gives fewer bytes than planned (it shrank while uploading). */
class ExactLength extends Transform {
  private seen = 0;
  constructor(
    private readonly expected: number,
    private readonly description: string,
  ) {
    super();
  }
  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.seen += chunk.length;
    callback(null, chunk);
  }
  override _flush(callback: TransformCallback): void {
    if (this.seen === this.expected) {
      callback();
      return;
    }
    callback(
      new SourceChangedError(
        `The ${this.description} changed during the upload: a part expected ${this.expected} bytes but the file gave ${this.seen}.`,
        { code: "SOURCE_CHANGED" },
      ),
    );
  }
}

async function statOrExplain(path: string): Promise<Stats> {
  let stats: Stats;
  try {
    stats = await stat(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT")
      throw new InputError(`File not found: ${path}. Check the path.`, { code: "INPUT_FILE_NOT_FOUND", cause: error });
    if (code === "EACCES" || code === "EPERM") {
      throw new InputError(`File is not readable: ${path} (permission denied).`, { code: "INPUT_FILE_UNREADABLE", cause: error });
    }
    throw new InputError(`Cannot read ${path}: ${code ?? String(error)}.`, { code: "INPUT_FILE_UNREADABLE", cause: error });
  }
  if (stats.isDirectory())
    throw new InputError(`${path} is a directory; give the path of a file.`, { code: "INPUT_IS_DIRECTORY" });
  if (!stats.isFile()) throw new InputError(`${path} is not a regular file.`, { code: "INPUT_NOT_A_FILE" });
  let handle: FileHandle | undefined;
  try {
    handle = await open(path, "r");
  } catch (error) {
    throw new InputError(`File is not readable: ${path} (${(error as NodeJS.ErrnoException).code ?? "error"}).`, {
      code: "INPUT_FILE_UNREADABLE",
      cause: error,
    });
  } finally {
    await handle?.close();
  }
  return stats;
}

async function readRange(path: string, start: number, end: number): Promise<Uint8Array> {
  const handle = await open(path, "r");
  try {
    const buffer = Buffer.alloc(end - start);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, start);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

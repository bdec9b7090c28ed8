import { InputError } from "../errors.js";
import type { Part } from "../plan-parts.js";
import { concatBytes, oneChunk, readableChunks } from "./byte-streams.js";
import { defaultFilename, detectContentType, SNIFF_BYTES } from "./content-type.js";
import type { PartBody, SourceFingerprint, UploadSource } from "./upload-source.js";

/** A stream of known size: `{ stream, size }`. */
export interface StreamInput {
  /** A Node Readable (any async iterable of bytes) or a web ReadableStream. */
  stream: AsyncIterable<Uint8Array> | ReadableStream<Uint8Array>;
  /** Exact size in bytes; the upload fails if the stream is shorter or longer. */
  size: number;
  /** The file name to record (default `upload.<ext>`). */
  filename?: string | undefined;
  /** The MIME type (default: sniffed from the first bytes). */
  contentType?: string | undefined;
}

/**
 * A Node Readable, web ReadableStream or async iterable of bytes of declared size, cut into parts as it arrives.
 * Each part is held in memory from when it is asked for until it is released, so an uploader
 * with N parts in flight holds at most N parts. A retried part re-sends the held bytes.
 */
export class StreamSource implements UploadSource {
  readonly kind = "stream";
  private readonly chunks: AsyncIterator<Uint8Array>;
  private carry: Uint8Array = new Uint8Array(0);
  private position = 0;
  private streamed = false;
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    chunks: AsyncIterator<Uint8Array>,
    head: Uint8Array,
    readonly size: number,
    readonly filename: string,
    readonly contentType: string,
    readonly description: string,
  ) {
    this.chunks = chunks;
    this.carry = head;
  }

  /** Reads the first bytes to sniff the content type (unless given); they stay queued for part 1. */
  static async open(
    input: StreamInput,
    options: { description: string; filename?: string | undefined; contentType?: string | undefined },
  ) {
    const iterable = isWebStream(input.stream) ? readableChunks(input.stream) : input.stream;
    const chunks = iterable[Symbol.asyncIterator]();
    const headParts: Uint8Array[] = [];
    let length = 0;
    while (length < Math.min(SNIFF_BYTES, input.size)) {
      const next = await nextChunk(chunks, options.description);
      if (next.done) break;
      headParts.push(next.value);
      length += next.value.length;
    }
    const head = concatBytes(headParts);
    const contentType = options.contentType ?? (await detectContentType(head.subarray(0, SNIFF_BYTES), options.filename ?? ""));
    const filename = options.filename ?? (await defaultFilename(contentType));
    return new StreamSource(chunks, head, input.size, filename, contentType, options.description);
  }

  partBody(part: Part): Promise<PartBody> {
    const result = this.queue.then(() => this.take(part));
    this.queue = result.catch(() => {});
    return result;
  }

  private async take(part: Part): Promise<PartBody> {
    if (part.start < this.position) {
      throw new InputError(
        `Parts of a stream source must be read in order: part ${part.partNumber} starts before byte ${this.position}.`,
        {
          code: "INPUT_STREAM_ORDER",
        },
      );
    }
    await this.skip(part.start - this.position);
    let held: Uint8Array | undefined = await this.read(part.size);
    const heldBytes = () => {
      if (!held) throw new Error(`part ${part.partNumber} of the ${this.description} was already released`);
      return held;
    };
    return {
      open: () => oneChunk(heldBytes()),
      blob: () => new Blob([heldBytes() as Uint8Array<ArrayBuffer>]),
      release: () => {
        held = undefined;
      },
    };
  }

  private async skip(count: number): Promise<void> {
    let left = count;
    while (left > 0) left -= (await this.read(Math.min(left, 8 * 1024 * 1024))).length;
  }

  /** Exactly `count` bytes, or an InputError when the stream ends first. */
  private async read(count: number): Promise<Uint8Array> {
    const parts: Uint8Array[] = [];
    let length = 0;
    while (length < count) {
      if (this.carry.length === 0) {
        const next = await nextChunk(this.chunks, this.description);
        if (next.done) {
          const got = this.position + length;
          throw new InputError(`The ${this.description} ended after ${got} bytes, but its declared size is ${this.size} bytes.`, {
            code: "INPUT_STREAM_TOO_SHORT",
          });
        }
        this.carry = next.value;
        continue;
      }
      const take = Math.min(count - length, this.carry.length);
      parts.push(this.carry.subarray(0, take));
      this.carry = this.carry.subarray(take);
      length += take;
    }
    this.position += count;
    return concatBytes(parts, count);
  }

  stream(): AsyncIterable<Uint8Array> {
    if (this.streamed || this.position > 0) {
      throw new InputError(`The ${this.description} has already been read; a stream can be uploaded once.`, {
        code: "INPUT_STREAM_CONSUMED",
      });
    }
    this.streamed = true;
    return this.exactly();
  }

  /** The declared number of bytes, then a check that nothing follows. */
  private async *exactly(): AsyncGenerator<Uint8Array> {
    const chunkSize = 256 * 1024;
    while (this.position < this.size) yield await this.read(Math.min(chunkSize, this.size - this.position));
    await this.assertUnchanged();
  }

  async fingerprint(): Promise<SourceFingerprint> {
    return { kind: this.kind, size: this.size };
  }

  async assertUnchanged(): Promise<void> {
    await this.queue;
    await this.skip(this.size - this.position);
    let extra = this.carry.length;
    while (extra === 0) {
      const next = await nextChunk(this.chunks, this.description);
      if (next.done) return;
      extra += next.value.length;
    }
    throw new InputError(`The ${this.description} has more bytes than its declared size of ${this.size} bytes.`, {
      code: "INPUT_STREAM_TOO_LONG",
    });
  }
}

/** The stream's next chunk; a stream that errors is an InputError naming it (the stream's error is its cause). */
async function nextChunk(chunks: AsyncIterator<Uint8Array>, description: string): Promise<IteratorResult<Uint8Array>> {
  try {
    return await chunks.next();
  } catch (error) {
    throw new InputError(`Reading the ${description} failed: ${(error as Error)?.message ?? String(error)}`, {
      code: "SOURCE_READ_FAILED",
      cause: error,
    });
  }
}

function isWebStream(stream: StreamInput["stream"]): stream is ReadableStream<Uint8Array> {
  return typeof (stream as ReadableStream<Uint8Array>).getReader === "function";
}

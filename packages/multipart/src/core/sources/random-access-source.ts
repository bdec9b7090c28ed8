import type { Part } from "../plan-parts.js";
import { edgesSha256 } from "./edges-hash.js";
import type { PartBody, SourceFingerprint, UploadSource } from "./upload-source.js";

export interface RandomAccessReader {
  kind: "bytes" | "blob";
  size: number;
  filename: string;
  contentType: string;
  description: string;
  /** A stream of bytes [start, end). */
  stream(start: number, end: number): AsyncIterable<Uint8Array>;
  /** Bytes [start, end) (used for the fingerprint's first and last MiB only). */
  read(start: number, end: number): Promise<Uint8Array>;
  /** Bytes [start, end) as a Blob. */
  blob(start: number, end: number): Blob;
  /** What else identifies the bytes (a File's name and lastModified). */
  identity?: Pick<SourceFingerprint, "name" | "mtimeMs"> | undefined;
}

/** A source already in memory (bytes, Blob): any range, any number of times. */
export class RandomAccessSource implements UploadSource {
  readonly kind: "bytes" | "blob";
  readonly size: number;
  readonly filename: string;
  readonly contentType: string;
  readonly description: string;
  constructor(private readonly reader: RandomAccessReader) {
    this.kind = reader.kind;
    this.size = reader.size;
    this.filename = reader.filename;
    this.contentType = reader.contentType;
    this.description = reader.description;
  }
  async partBody(part: Part): Promise<PartBody> {
    return {
      open: () => this.reader.stream(part.start, part.end),
      blob: () => this.reader.blob(part.start, part.end),
      release: () => {},
    };
  }
  stream(): AsyncIterable<Uint8Array> {
    return this.reader.stream(0, this.size);
  }
  blob(): Blob {
    return this.reader.blob(0, this.size);
  }
  async fingerprint(): Promise<SourceFingerprint> {
    return {
      kind: this.kind,
      size: this.size,
      ...this.reader.identity,
      edgesSha256: await edgesSha256(this.size, (start, end) => this.reader.read(start, end)),
    };
  }
  async assertUnchanged(): Promise<void> {}
}

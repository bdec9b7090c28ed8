import type { Readable } from "node:stream";
import type { Part } from "../plan-parts.js";

/** What identifies a source's bytes, so a checkpoint is only resumed against the same bytes. */
export interface SourceFingerprint {
  /** The source's kind. */
  kind: UploadSource["kind"];
  /** The source's size in bytes. */
  size: number;
  /** Absolute path (file sources). */
  path?: string | undefined;
  /** Modification time in ms (file sources). */
  mtimeMs?: number | undefined;
  /** SHA-256 of the first and last MiB (random-access sources). */
  edgesSha256?: string | undefined;
}

/** The bytes of one part. `open()` may be called again for a retry; each call streams the same bytes. */
export interface PartBody {
  /** A fresh stream of the part's bytes. */
  open(): Readable;
  /** Lets the source drop what it holds for this part (stream sources buffer one part each). */
  release(): void;
}

/** An opened input: its size, name and type, and its bytes by part or whole. */
export interface UploadSource {
  /** What the input is: a file, bytes, a Blob or a stream. */
  readonly kind: "file" | "bytes" | "blob" | "stream";
  /** Bytes in all. */
  readonly size: number;
  /** The name to record (the path's base name, a File's name, or `upload.<ext>`). */
  readonly filename: string;
  /** The MIME type: given, sniffed, or from the extension. */
  readonly contentType: string;
  /** How messages name this input (a path, "a 12-byte Uint8Array", …). */
  readonly description: string;
  /**
   * The bytes of `part`. File, bytes and Blob sources read any range any number of times.
   * A stream source is read once, front to back: parts must be asked for in ascending order
   * (parts skipped over are read and discarded), and it holds each part until released.
   */
  partBody(part: Part): Promise<PartBody>;
  /** All bytes front to back, for single-request uploads. A stream source can do this once, and instead of partBody. */
  stream(): Readable;
  /** What identifies these bytes, for checkpoints. */
  fingerprint(): Promise<SourceFingerprint>;
  /** Throws a SourceChangedError if the bytes changed (file size/mtime) or a stream had more bytes than declared. */
  assertUnchanged(): Promise<void>;
}

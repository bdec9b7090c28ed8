import type { Part } from "../plan-parts.js";

/** What identifies a source's bytes, so a checkpoint is only resumed against the same bytes. */
export interface SourceFingerprint {
  /** The source's kind. */
  kind: UploadSource["kind"];
  /** The source's size in bytes. */
  size: number;
  /** Absolute path (file sources). */
  path?: string | undefined;
  /** A File's name (Blob sources that are Files). */
  name?: string | undefined;
  /** Modification time in ms (file sources; a File's `lastModified`). */
  mtimeMs?: number | undefined;
  /** SHA-256 of the first and last MiB (random-access sources). */
  edgesSha256?: string | undefined;
}

/** The bytes of one part. `open()` may be called again for a retry; each call streams the same bytes. */
export interface PartBody {
  /** A fresh stream of the part's bytes (a Node Readable for files and Node streams). */
  open(): AsyncIterable<Uint8Array>;
  /** Optional: the part's bytes as a Blob, where the source has one at no cost (bytes, Blobs, a held stream part). */
  blob?(): Blob;
  /** Lets the source drop what it holds for this part (stream sources buffer one part each). */
  release(): void;
}

/** A digest of part of a source, computed by the source apart from the bytes it streams: `digest` once, or `discard`. */
export interface SourceDigest {
  /** The hex digest; rejects when the source can no longer give those bytes. */
  digest(): Promise<string>;
  /** Stops computing it (the attempt it was for failed). */
  discard(): void;
  /**
   * Optional: the bytes are being sent now. A digest started ahead of its part may wait to be computed together
   * with others; this asks for it without waiting (as `digest()` also does).
   */
  prioritize?(): void;
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
  stream(): AsyncIterable<Uint8Array>;
  /** Optional: all bytes as a Blob, where the source has one at no cost (bytes, Blobs). */
  blob?(): Blob;
  /**
   * Optional: starts a digest of bytes [start, end) that the source computes itself, apart from the streams it gives
   * (a file source reads the range again on a hashing worker, so the thread sending the bytes does not hash them).
   * Undefined, or absent, and the bytes are hashed as they stream. The store's answer compares the two reads.
   */
  digestRange?(start: number, end: number, algorithm: "md5" | "sha256"): SourceDigest | undefined;
  /**
   * Optional: bytes [start, end) as chunks whose buffers the source reuses — a chunk may change once the next one is
   * asked for or the iteration ends, so a consumer that holds chunks must copy them. Sending these instead of `partBody`'s or `stream`'s
   * stream spares a buffer per chunk (and the garbage collections they cause). Fails with a SourceChangedError when
   * the source gives fewer bytes.
   */
  readRange?(start: number, end: number): AsyncIterable<Uint8Array>;
  /** What identifies these bytes, for checkpoints. */
  fingerprint(): Promise<SourceFingerprint>;
  /** Throws a SourceChangedError if the bytes changed (file size/mtime) or a stream had more bytes than declared. */
  assertUnchanged(): Promise<void>;
}

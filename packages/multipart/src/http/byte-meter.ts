import { createHash, type Hash } from "node:crypto";
import { Transform, type TransformCallback } from "node:stream";
import { SourceChangedError } from "../errors.js";

export type DigestName = "md5" | "sha256";

/**
 * A pass-through that counts bytes and hashes them as they stream by. Given `expected`, it also fails
 * (with a SourceChangedError) as soon as more bytes arrive, or when fewer arrived by the end.
 */
export class ByteMeter extends Transform {
  bytes = 0;
  private readonly hashes = new Map<DigestName, Hash>();

  constructor(
    digests: readonly DigestName[],
    private readonly onBytes?: (count: number) => void,
    private readonly expected?: { bytes: number; description: string },
  ) {
    super();
    for (const name of digests) this.hashes.set(name, createHash(name));
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.expected && this.bytes > this.expected.bytes) {
      callback(this.lengthError());
      return;
    }
    for (const hash of this.hashes.values()) hash.update(chunk);
    this.onBytes?.(chunk.length);
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    callback(this.expected && this.bytes !== this.expected.bytes ? this.lengthError() : null);
  }

  /** Hex digest of everything that passed; undefined if that digest was not asked for. */
  digest(name: DigestName): string | undefined {
    return this.hashes.get(name)?.digest("hex");
  }

  private lengthError(): SourceChangedError {
    const { bytes, description } = this.expected as { bytes: number; description: string };
    return new SourceChangedError(
      `The ${description} gave ${this.bytes > bytes ? "more" : `only ${this.bytes}`} bytes where ${bytes} were planned: it changed during the upload. Upload it again once it is stable.`,
      { code: "SOURCE_CHANGED" },
    );
  }
}

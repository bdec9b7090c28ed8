import { Transform, type TransformCallback } from "node:stream";
import { SourceChangedError } from "../errors.js";
import { type RunningHash, startHash } from "./hash-pool.js";

export type DigestName = "md5" | "sha256";

/**
 * A pass-through that counts bytes and hashes them as they stream by, the hashing on worker threads (see
 * hash-pool.ts): the bytes go on at once, and `digests()` waits for the workers. Given `expected`, it also fails
 * (with a SourceChangedError) as soon as more bytes arrive, or when fewer arrived by the end.
 */
export class ByteMeter extends Transform {
  bytes = 0;
  private readonly hashes = new Map<DigestName, RunningHash>();

  constructor(
    digests: readonly DigestName[],
    private readonly onBytes?: (count: number) => void,
    private readonly expected?: { bytes: number; description: string },
  ) {
    super();
    for (const name of digests) this.hashes.set(name, startHash(name));
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.expected && this.bytes > this.expected.bytes) {
      callback(this.lengthError());
      return;
    }
    let wait: Promise<void> | undefined;
    for (const hash of this.hashes.values()) wait = hash.update(chunk) ?? wait;
    this.onBytes?.(chunk.length);
    if (wait) {
      // The chunk goes on now; the next one waits until the hashing workers have caught up.
      this.push(chunk);
      wait.then(() => callback(), callback);
      return;
    }
    callback(null, chunk);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    if (error) this.discard();
    callback(error);
  }

  /** Drops the digests not taken (the attempt failed or its answer was not used); the workers forget them. */
  discard(): void {
    for (const hash of this.hashes.values()) hash.discard();
  }

  override _flush(callback: TransformCallback): void {
    callback(this.expected && this.bytes !== this.expected.bytes ? this.lengthError() : null);
  }

  /** Hex digests of everything that passed, by name (only those asked for). Call once, after the last byte. */
  async digests(): Promise<Map<DigestName, string>> {
    const entries = await Promise.all([...this.hashes].map(async ([name, hash]) => [name, await hash.digest()] as const));
    return new Map(entries);
  }

  private lengthError(): SourceChangedError {
    const { bytes, description } = this.expected as { bytes: number; description: string };
    return new SourceChangedError(
      `The ${description} gave ${this.bytes > bytes ? "more" : `only ${this.bytes}`} bytes where ${bytes} were planned: it changed during the upload. Upload it again once it is stable.`,
      { code: "SOURCE_CHANGED" },
    );
  }
}

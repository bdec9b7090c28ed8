import { startHash } from "#runtime";
import { SourceChangedError } from "../errors.js";
import type { RunningHash } from "../runtime/runtime-parts.js";
import type { SourceDigest } from "../sources/upload-source.js";

export type DigestName = "md5" | "sha256";

/**
 * Counts bytes and hashes them as they stream by (`through`), the hashing off the calling thread where the runtime
 * allows (Node's hash-pool.ts): the bytes go on at once, and `digests()` waits for the workers. A digest the source computes
 * itself (`fromSource`: a file range read again on a worker) replaces hashing the stream. Given `expected`, it also
 * fails (with a SourceChangedError) as soon as more bytes arrive, or when fewer arrived by the end.
 */
export class ByteMeter {
  bytes = 0;
  private readonly hashes = new Map<DigestName, RunningHash>();
  private readonly sourceHashes = new Map<DigestName, SourceDigest>();

  constructor(
    digests: readonly DigestName[],
    private readonly onBytes?: (count: number) => void,
    private readonly expected?: { bytes: number; description: string },
    fromSource?: (name: DigestName) => SourceDigest | undefined,
  ) {
    for (const name of digests) {
      const own = fromSource?.(name);
      if (own) this.sourceHashes.set(name, own);
      else this.hashes.set(name, startHash(name));
    }
  }

  /**
   * Meters `chunks` as piping them through would, as an async iterable (no stream machinery in between); throws
   * the same SourceChangedError at the end when fewer bytes came. With `copy`, each chunk is passed on as a copy:
   * for a source that reuses its buffers, read by a consumer that may hold a chunk after asking for the next.
   */
  async *through(chunks: AsyncIterable<Uint8Array>, copy = false): AsyncGenerator<Uint8Array> {
    for await (const chunk of chunks) {
      const wait = this.count(chunk);
      if (wait) await wait;
      yield copy ? Uint8Array.prototype.slice.call(chunk) : chunk;
    }
    if (this.expected && this.bytes !== this.expected.bytes) throw this.lengthError();
  }

  /** Counts and hashes `chunk`; throws when it is more than expected; a promise means "wait before the next". */
  private count(chunk: Uint8Array): Promise<void> | undefined {
    this.bytes += chunk.length;
    if (this.expected && this.bytes > this.expected.bytes) throw this.lengthError();
    let wait: Promise<void> | undefined;
    for (const hash of this.hashes.values()) wait = hash.update(chunk) ?? wait;
    this.onBytes?.(chunk.length);
    return wait;
  }

  /**
   * Counts bytes sent without passing through (a Blob body sent by the runtime): `total` is all sent so far. Only
   * for digests the source computes itself, which `hashesStream` tells.
   */
  sentTotal(total: number): void {
    const added = total - this.bytes;
    if (added <= 0) return;
    this.bytes = total;
    this.onBytes?.(added);
  }

  /** Whether some digest asked for is computed from the bytes passing through (not by the source). */
  get hashesStream(): boolean {
    return this.hashes.size > 0;
  }

  /** Drops the digests not taken (the attempt failed or its answer was not used); the workers forget them. */
  discard(): void {
    for (const hash of this.hashes.values()) hash.discard();
    for (const hash of this.sourceHashes.values()) hash.discard();
  }

  /** Hex digests of everything that passed, by name (only those asked for). Call once, after the last byte. */
  async digests(): Promise<Map<DigestName, string>> {
    const all = [...this.hashes, ...this.sourceHashes];
    const entries = await Promise.all(all.map(async ([name, hash]) => [name, await hash.digest()] as const));
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

import { createHash, type Hash } from "node:crypto";
import { Transform, type TransformCallback } from "node:stream";

export type DigestName = "md5" | "sha256";

/** A pass-through that counts bytes and hashes them as they stream by. */
export class ByteMeter extends Transform {
  bytes = 0;
  private readonly hashes = new Map<DigestName, Hash>();

  constructor(
    digests: readonly DigestName[],
    private readonly onBytes?: (count: number) => void,
  ) {
    super();
    for (const name of digests) this.hashes.set(name, createHash(name));
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    for (const hash of this.hashes.values()) hash.update(chunk);
    this.bytes += chunk.length;
    this.onBytes?.(chunk.length);
    callback(null, chunk);
  }

  /** Hex digest of everything that passed; undefined if that digest was not asked for. */
  digest(name: DigestName): string | undefined {
    return this.hashes.get(name)?.digest("hex");
  }
}

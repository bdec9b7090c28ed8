import { createHash } from "node:crypto";
import { UsageError } from "./exit-codes.js";

/** `--shard k/n`: this machine takes shard k (1-based) of n. */
export interface Shard {
  index: number;
  count: number;
}

export function parseShard(value: string): Shard {
  const match = /^(\d+)\/(\d+)$/.exec(value.trim());
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (!match || !(count >= 1) || !(index >= 1 && index <= count) || !Number.isSafeInteger(count)) {
    throw new UsageError(`--shard takes k/n with 1 ≤ k ≤ n (e.g. 2/4), got "${value}".`);
  }
  return { index, count };
}

/**
 * The shard (1-based) a path falls in: the first 4 bytes of the SHA-256 of the path as listed (forward slashes), mod
 * n. Every machine that lists the same folder from the same place splits it the same way, with no coordinator.
 */
export function shardOf(path: string, count: number): number {
  const digest = createHash("sha256").update(path.replaceAll("\\", "/")).digest();
  return (digest.readUInt32BE(0) % count) + 1;
}

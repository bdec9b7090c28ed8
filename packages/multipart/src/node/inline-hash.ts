import { createHash, type Hash } from "node:crypto";
import type { HashAlgorithm, RunningHash } from "../core/runtime/runtime-parts.js";

/** node:crypto on this thread (where there are no workers, and for one-off digests). */
export function inlineHash(algorithm: HashAlgorithm): RunningHash {
  const hash: Hash = createHash(algorithm);
  return {
    update: (chunk) => {
      hash.update(chunk);
      return undefined;
    },
    digest: async () => hash.digest("hex"),
    discard: () => {},
  };
}

import type { RunningHash } from "../runtime/runtime-parts.js";

/**
 * Starts hashing `chunks` at once with `hash`: `digest()` gives the hex digest once every chunk is in (and rejects
 * when reading failed), `discard()` stops reading and drops the hash.
 */
export function hashChunks(chunks: AsyncIterable<Uint8Array>, hash: RunningHash): { digest(): Promise<string>; discard(): void } {
  let stopped = false;
  const done = (async () => {
    for await (const chunk of chunks) {
      if (stopped) break;
      const wait = hash.update(chunk);
      if (wait) await wait;
    }
    if (stopped) throw new Error("discarded");
    return hash.digest();
  })();
  done.catch(() => {});
  return {
    digest: () => done,
    discard: () => {
      stopped = true;
      hash.discard();
    },
  };
}

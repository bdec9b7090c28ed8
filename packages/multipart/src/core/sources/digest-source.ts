import { inlineHash } from "#runtime";
import { InputError, throwIfAborted } from "../errors.js";
import type { DigestName } from "../http/byte-meter.js";
import type { UploadSource } from "./upload-source.js";

/**
 * The hex digest of all of a source's bytes, read once front to back. Rejects (never throws asynchronously) when
 * the source fails or changes; a stream cannot be read twice, so it is refused.
 */
export async function digestSource(
  source: UploadSource,
  name: DigestName,
  signal: AbortSignal | undefined,
  /** What needs the digest, and the error code when the source is a stream. */
  purpose: { name: string; code: string },
): Promise<string> {
  if (source.kind === "stream") {
    throw new InputError(`${purpose.name} needs an input that can be read twice (a path, bytes or a Blob), not a stream.`, {
      code: purpose.code,
    });
  }
  const hash = inlineHash(name);
  const bytes = source.stream();
  let length = 0;
  try {
    for await (const chunk of bytes) {
      throwIfAborted(signal);
      length += chunk.length;
      const wait = hash.update(chunk);
      if (wait) await wait;
    }
  } catch (error) {
    hash.discard();
    throw error;
  } finally {
    (bytes as { destroy?: () => void }).destroy?.();
  }
  if (length !== source.size) {
    throw new InputError(`The ${source.description} gave ${length} bytes, but its size is ${source.size}: it changed.`, {
      code: "SOURCE_CHANGED",
    });
  }
  return hash.digest();
}

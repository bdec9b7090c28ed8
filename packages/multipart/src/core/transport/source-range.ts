import type { SourceDigest, UploadSource } from "../sources/upload-source.js";
import type { RequestBody } from "./transport.js";

/**
 * What a body request takes from a source for its bytes [start, end) besides the stream: chunks in the source's
 * reused buffers and digests the source computes itself, where the source offers them. `takeAhead` gives an MD5 of
 * the same bytes started before the part (see uploadParts), if any, to the first attempt that asks for one.
 */
export function sourceRange(
  source: UploadSource,
  start: number,
  end: number,
  takeAhead?: () => SourceDigest | undefined,
): Pick<RequestBody, "chunks" | "digest"> {
  const readRange = source.readRange?.bind(source);
  const digestRange = source.digestRange?.bind(source);
  return {
    chunks: readRange && (() => readRange(start, end)),
    digest:
      digestRange &&
      ((name) => {
        const started = (name === "md5" ? takeAhead?.() : undefined) ?? digestRange(start, end, name);
        started?.prioritize?.();
        return started;
      }),
  };
}

import type { UploadSource } from "../sources/upload-source.js";
import type { RequestBody } from "./transport.js";

/**
 * What a body request takes from a source for its bytes [start, end) besides the stream: chunks in the source's
 * reused buffers and digests the source computes itself, where the source offers them.
 */
export function sourceRange(source: UploadSource, start: number, end: number): Pick<RequestBody, "chunks" | "digest"> {
  const readRange = source.readRange?.bind(source);
  const digestRange = source.digestRange?.bind(source);
  return {
    chunks: readRange && (() => readRange(start, end)),
    digest: digestRange && ((name) => digestRange(start, end, name)),
  };
}

import { InputError, type UploadSource } from "@uploadkit/multipart";
import { FLOWKIWI_LIMITS } from "@uploadkit/providers";

/** Documented upload limits, read as decimal megabytes. */
export const FLOWKIWI_MAX_FILE_BYTES = FLOWKIWI_LIMITS.maxFileBytes;
/** Largest video Flowkiwi accepts: 100 MB (decimal). */
export const FLOWKIWI_MAX_VIDEO_BYTES = FLOWKIWI_LIMITS.maxVideoBytes;

/** Throws an InputError stating the limit and the file's size when the file is over it. */
export function assertWithinLimits(source: UploadSource, contentType: string): void {
  const video = contentType.toLowerCase().startsWith("video/");
  const limit = video ? FLOWKIWI_MAX_VIDEO_BYTES : FLOWKIWI_MAX_FILE_BYTES;
  if (source.size > limit) {
    throw new InputError(
      `The ${source.description} is ${megabytes(source.size)} (${contentType}); Flowkiwi accepts ${video ? "videos" : "non-video files"} up to ${megabytes(limit)}.`,
      { code: "INPUT_TOO_LARGE" },
    );
  }
}

function megabytes(bytes: number): string {
  return `${(bytes / 1_000_000).toFixed(bytes % 1_000_000 === 0 ? 0 : 2)} MB`;
}

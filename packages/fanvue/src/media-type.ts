import { InputError } from "@uploadkit/multipart";
import { describeValue } from "@uploadkit/multipart/internal";
import type { components } from "./generated/openapi.js";

/** Fanvue's media types: `image`, `video`, `audio`, `document`. */
export type FanvueMediaType = components["schemas"]["MediaUploadsPostRequestBodyContentApplicationJsonSchemaMediaType"];
/** Every media type Fanvue accepts. */
export const FANVUE_MEDIA_TYPES: readonly FanvueMediaType[] = ["image", "video", "audio", "document"];

/** image/*, video/*, audio/* → that; anything else → document. */
export function mediaTypeFromMime(contentType: string): FanvueMediaType {
  if (typeof contentType !== "string") {
    throw new InputError(`mediaTypeFromMime needs a MIME type, got ${describeValue(contentType)}.`, {
      code: "INPUT_CONTENT_TYPE",
    });
  }
  const family = contentType.split("/")[0]?.toLowerCase();
  return family === "image" || family === "video" || family === "audio" ? family : "document";
}

import type { components } from "./generated/openapi.js";

/** Fanvue's media types: `image`, `video`, `audio`, `document`. */
export type FanvueMediaType = components["schemas"]["MediaUploadsPostRequestBodyContentApplicationJsonSchemaMediaType"];
/** Every media type Fanvue accepts. */
export const FANVUE_MEDIA_TYPES: readonly FanvueMediaType[] = ["image", "video", "audio", "document"];

/** image/*, video/*, audio/* → that; anything else → document. */
export function mediaTypeFromMime(contentType: string): FanvueMediaType {
  const family = contentType.split("/")[0]?.toLowerCase();
  return family === "image" || family === "video" || family === "audio" ? family : "document";
}

export * from "@uploadkit/multipart/errors";
export {
  createFlowkiwiClient,
  type FlowkiwiClient,
  type FlowkiwiClientOptions,
  type UploadMediaResult,
} from "./client.js";
export type { FlowkiwiMedia, UploadMediaOptions } from "./flowkiwi-adapter.js";
export type { components, operations, paths } from "./generated/openapi.js";
export { FLOWKIWI_MAX_FILE_BYTES, FLOWKIWI_MAX_VIDEO_BYTES } from "./limits.js";
export type { MediaPage, MediaQuery } from "./media-pages.js";

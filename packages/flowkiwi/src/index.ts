export {
  AbortError,
  ApiError,
  type ApiErrorKind,
  InputError,
  IntegrityError,
  isAbortError,
  type RetryOptions,
  type SourceInput,
  UploadkitError,
  type UploadProgress,
} from "@uploadkit/multipart";
export { createFlowkiwiClient, type FlowkiwiClient, type FlowkiwiClientOptions } from "./client.js";
export type { FlowkiwiMedia, UploadMediaOptions } from "./create-media.js";
export type { components, operations, paths } from "./generated/openapi.js";
export { FLOWKIWI_MAX_FILE_BYTES, FLOWKIWI_MAX_VIDEO_BYTES } from "./limits.js";
export type { MediaPage, MediaQuery } from "./media-pages.js";

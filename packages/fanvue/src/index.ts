export {
  AbortError,
  ApiError,
  type ApiErrorKind,
  CheckpointError,
  type CheckpointStore,
  fileCheckpointStore,
  InputError,
  IntegrityError,
  isAbortError,
  PartUploadError,
  type RetryOptions,
  SourceChangedError,
  type SourceInput,
  UploadkitError,
  type UploadProgress,
} from "@uploadkit/multipart";
export type { FanvuePaths } from "./api-paths.js";
export {
  createFanvueClient,
  FANVUE_API_VERSION,
  FANVUE_BASE_URL,
  type FanvueClient,
  type FanvueClientOptions,
} from "./client.js";
export type { components, operations, paths } from "./generated/openapi.js";
export { FANVUE_MEDIA_TYPES, type FanvueMediaType, mediaTypeFromMime } from "./media-type.js";
export type { FanvueMedia, FanvueMediaStatus, UploadMediaOptions, UploadMediaResult } from "./upload-media.js";
export type { WaitForReadyOptions } from "./wait-for-ready.js";

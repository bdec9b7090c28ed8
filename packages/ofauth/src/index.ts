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
export { createOfauthClient, OFAUTH_BASE_URL, type OfauthClient, type OfauthClientOptions } from "./client.js";
export type { components, operations, paths } from "./generated/openapi.js";
export type { OfauthMedia, UploadMediaOptions, UploadMediaResult } from "./upload-media.js";

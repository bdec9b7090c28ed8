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
export { createRecord360Client, RECORD360_BASE_URL, type Record360Client, type Record360ClientOptions } from "./client.js";
export { RECORD360_CONTENT_TYPES, type Record360ContentType } from "./content-types.js";
export type { components, operations, paths } from "./generated/openapi.js";
export { PREFERRED_MAX_PART_SIZE, RECORD360_PART_RULES } from "./part-plan.js";
export type { Record360UploadedFile, UploadMediaOptions } from "./upload-media.js";

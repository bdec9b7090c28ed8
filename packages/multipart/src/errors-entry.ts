// `@uploadkit/multipart/errors`: the error classes and the public types every provider package re-exports.
export type { CheckpointStore } from "./checkpoint/checkpoint-store.js";
export { fileCheckpointStore } from "./checkpoint/file-checkpoint-store.js";
export {
  AbortError,
  ApiError,
  type ApiErrorKind,
  CheckpointError,
  InputError,
  IntegrityError,
  isAbortError,
  PartUploadError,
  SourceChangedError,
  UploadkitError,
} from "./errors.js";
export type { RetryOptions } from "./retry-policy.js";
export type { SourceInput } from "./sources/open-source.js";
export type { UploadProgress } from "./upload/progress.js";

// `@uploadkit/multipart/errors`: the error classes, and the public types and helpers every provider package
// re-exports (so a provider's README examples import from the provider package alone).
export type { PaginateOptions } from "./api/iterate-pages.js";
export { unwrap, unwrapWithResponse } from "./api/unwrap.js";
export type { CheckpointStore } from "./checkpoint/checkpoint-store.js";
export { fileCheckpointStore } from "./checkpoint/file-checkpoint-store.js";
export type { UploadsMany } from "./engine/provider-client.js";
export type {
  UploadManyFailure,
  UploadManyItem,
  UploadManyOptions,
  UploadManyOutcome,
  UploadManySuccess,
} from "./engine/run-uploads.js";
export type { CommonUploadOptions, PartPlanOptions, UploadResultCore } from "./engine/upload-options.js";
export {
  AbortError,
  ApiError,
  type ApiErrorKind,
  CheckpointError,
  InputError,
  IntegrityError,
  isAbortError,
  PartUploadError,
  ProviderResponseError,
  SourceChangedError,
  UploadkitError,
} from "./errors.js";
export type { RetryOptions } from "./retry-policy.js";
export type { SourceInput } from "./sources/open-source.js";
export type { CredentialContext, CredentialSource } from "./transport/credential-set.js";
export type { Logger, LogLevel } from "./transport/transport-log.js";
export type { ApiRetryEvent, RetryEvent, TransportEvent } from "./transport/transport-options.js";
export type { ProgressListener, UploadProgress } from "./upload/progress.js";

// `@uploadkit/multipart/errors`: the error classes, and the public types and helpers every provider package
// re-exports (so a provider's README examples import from the provider package alone).

export type { PaginateOptions } from "./core/api/iterate-pages.js";
export { unwrap, unwrapWithResponse } from "./core/api/unwrap.js";
export type { CheckpointStore } from "./core/checkpoint/checkpoint-store.js";
export { fileCheckpointStore } from "./core/checkpoint/file-checkpoint.js";
export type { UploadsMany } from "./core/engine/provider-client.js";
export type {
  UploadManyFailure,
  UploadManyItem,
  UploadManyItems,
  UploadManyOptions,
  UploadManyOutcome,
  UploadManySuccess,
} from "./core/engine/run-uploads.js";
export type { CommonUploadOptions, PartPlanOptions, UploadResultCore } from "./core/engine/upload-options.js";
export {
  AbortError,
  ApiError,
  type ApiErrorKind,
  CheckpointError,
  InputError,
  IntegrityError,
  isAbortError,
  JournalError,
  PartUploadError,
  ProviderResponseError,
  SourceChangedError,
  UploadkitError,
  UploadRouteError,
} from "./core/errors.js";
export { fileJournal } from "./core/journal/file-journal.js";
export type { JournalStatus } from "./core/journal/journal-entry.js";
export { memoryJournal } from "./core/journal/memory-journal.js";
export type { JournalClaim, JournalRecord, UploadJournal } from "./core/journal/upload-journal.js";
export type { RetryOptions } from "./core/retry-policy.js";
export { createUploadRoute } from "./core/route/create-upload-route.js";
export type {
  AbortRequest,
  CompleteAnswer,
  CompleteRequest,
  DoneRequest,
  RelayedPartAnswer,
  RouteErrorAnswer,
  RouteFile,
  RoutePart,
  StartAnswer,
  StartRequest,
  TargetsAnswer,
  TargetsRequest,
} from "./core/route/protocol.js";
export type { UploadCompleteEvent, UploadRouteOptions } from "./core/route/route-options.js";
export { memoryRouteStore, RouteStoreError, type UploadRouteStore } from "./core/route/route-store.js";
export type { RouteSecret } from "./core/route/session-token.js";
export { toNodeHandler } from "./core/route/to-node-handler.js";
export {
  type UploadThroughServerOptions,
  type UploadThroughServerResult,
  uploadThroughServer,
} from "./core/route/upload-through-server.js";
export type { SourceInput } from "./core/sources/open-source.js";
export {
  AdaptiveRateLimiter,
  type RateLimitOptions,
  type RateLimitStats,
} from "./core/transport/adaptive-rate-limiter.js";
export type { CallRateLimiter } from "./core/transport/call-rate-limiter.js";
export type { CredentialContext, CredentialSource } from "./core/transport/credential-set.js";
export type { Logger, LogLevel } from "./core/transport/transport-log.js";
export type { ApiRetryEvent, RetryEvent, TransportEvent } from "./core/transport/transport-options.js";
export type { ProgressListener, UploadProgress } from "./core/upload/progress.js";
export { type IndexedDbCheckpointOptions, indexedDbCheckpointStore } from "./web/indexeddb-checkpoint-store.js";

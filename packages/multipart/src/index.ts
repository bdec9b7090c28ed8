export { type ApiFetchOptions, type ApiRetryEvent, createApiFetch } from "./api/api-fetch.js";
export { type ClientTransportOptions, type TransferOptions, transferOptions } from "./api/client-transport.js";
export { type ApiClientOptions, createApiClient } from "./api/create-api-client.js";
export { apiErrorFromResponse } from "./api/parse-api-error.js";
export { unwrap, unwrapWithResponse } from "./api/unwrap.js";
export type { Checkpoint } from "./checkpoint/checkpoint-store.js";
export { type CheckpointOption, ResumableSession } from "./checkpoint/resumable-session.js";
export { type ApiErrorDetails, throwIfAborted } from "./errors.js";
export * from "./errors-entry.js";
export { createMultipartFormBody, type MultipartFormBody, type MultipartFormOptions } from "./form-data/multipart-form-body.js";
export { sharedAgent } from "./http/agent.js";
export { ByteMeter, type DigestName } from "./http/byte-meter.js";
export { assertCredentialsStayOnOrigin, isCredentialHeader } from "./http/credentials.js";
export { readBounded, summarizeErrorBody } from "./http/read-bounded.js";
export { DEFAULT_PART_SIZE, formatBytes, GiB, MiB, type Part, type PartRules, planParts, S3_PART_RULES } from "./plan-parts.js";
export { redactSecrets, redactUrl } from "./redact.js";
export {
  DEFAULT_RETRY,
  isRetryableStatus,
  nextDelay,
  type RetryOptions,
  resolveRetry,
  serverRequestedDelay,
  sleep,
} from "./retry-policy.js";
export { type OpenSourceOptions, openSource, type SourceInput } from "./sources/open-source.js";
export type { StreamInput } from "./sources/stream-source.js";
export type { PartBody, SourceFingerprint, UploadSource } from "./sources/upload-source.js";
export type { PartResponse, PartTarget, TargetContext, TargetResolver } from "./upload/part-target.js";
export type { ProgressListener, UploadProgress } from "./upload/progress.js";
export {
  type CompletedPart,
  DEFAULT_CONCURRENCY,
  DEFAULT_STALL_TIMEOUT_MS,
  type RetryEvent,
  type UploadPartsOptions,
  uploadParts,
} from "./upload/upload-parts.js";
export { VERSION } from "./version.js";

// `@uploadkit/multipart/internal`: what only the provider packages need — the upload engine's adapter contract,
// the transport, and their helpers. Not part of the public API: released in lockstep with the provider packages,
// and it may change in any release.
export { type ApiFetchOptions, createApiFetch } from "./api/api-fetch.js";
export { type ApiClientOptions, createApiClient, createClientTransport } from "./api/create-api-client.js";
export { DEFAULT_MAX_PAGES, iteratePages, type PageWalk } from "./api/iterate-pages.js";
export { apiErrorFromResponse } from "./api/parse-api-error.js";
export { assertPathSegment } from "./api/path-params.js";
export { ResumableSession } from "./checkpoint/resumable-session.js";
export { answerChecks, checkpointChecks } from "./engine/answer-checks.js";
export { createProviderClient, type ProviderClientCore, type UploadsMany } from "./engine/provider-client.js";
export { runUpload, type UploadResult } from "./engine/run-upload.js";
export { DEFAULT_FILES_CONCURRENCY, runUploads } from "./engine/run-uploads.js";
export type { FlowContext, SingleRequest, Transfer, UploadAdapter } from "./engine/upload-adapter.js";
export { assertCommonOptions, assertSupported } from "./engine/upload-options.js";
export { type ApiErrorDetails, throwIfAborted } from "./errors.js";
export { createMultipartFormBody, type MultipartFormBody, type MultipartFormOptions } from "./form-data/multipart-form-body.js";
export { sharedAgent } from "./http/agent.js";
export { ByteMeter, type DigestName } from "./http/byte-meter.js";
export { assertCredentialsStayOnOrigin, isCredentialHeader } from "./http/credentials.js";
export { readBounded, summarizeErrorBody } from "./http/read-bounded.js";
export { redactSecrets, redactUrl } from "./redact.js";
export {
  isRetryableStatus,
  nextDelay,
  type ResolvedRetryOptions,
  resolveRetry,
  serverRequestedDelay,
  sleep,
} from "./retry-policy.js";
export { isRunningInBrowser } from "./runtime/is-browser.js";
export { digestSource } from "./sources/digest-source.js";
export { CredentialSet, withScheme } from "./transport/credential-set.js";
export { PartBudget } from "./transport/part-budget.js";
export { mayRepeat } from "./transport/retry-rules.js";
export {
  type BodyRequest,
  type RequestBody,
  type SentAnswer,
  Transport,
  type TransportConfig,
  type Verdict,
} from "./transport/transport.js";
export { TransportLog } from "./transport/transport-log.js";
export { withUploadScope } from "./transport/upload-scope.js";
export { ProgressTracker } from "./upload/progress.js";

// `@uploadkit/multipart/internal`: what only the provider packages need — the upload engine's adapter contract,
// the transport, and their helpers. Not part of the public API: released in lockstep with the provider packages,
// and it may change in any release.

export { type ApiFetchOptions, createApiFetch } from "./core/api/api-fetch.js";
export { type ApiClientOptions, createApiClient, createClientTransport } from "./core/api/create-api-client.js";
export { assertHttpUrl } from "./core/api/http-url.js";
export { DEFAULT_MAX_PAGES, iteratePages, type PageWalk } from "./core/api/iterate-pages.js";
export { apiErrorFromResponse } from "./core/api/parse-api-error.js";
export { assertPathSegment } from "./core/api/path-params.js";
export { assertOptions, describeValue, hasMethods, type OptionKind } from "./core/argument-checks.js";
export { ResumableSession } from "./core/checkpoint/resumable-session.js";
export { answerChecks, checkpointChecks } from "./core/engine/answer-checks.js";
export { createProviderClient, type ProviderClientCore, type UploadsMany } from "./core/engine/provider-client.js";
export { runUpload, type UploadResult } from "./core/engine/run-upload.js";
export { DEFAULT_FILES_CONCURRENCY, eachUpload, runUploads } from "./core/engine/run-uploads.js";
export type { FlowContext, SingleRequest, Transfer, UploadAdapter } from "./core/engine/upload-adapter.js";
export { assertSupported } from "./core/engine/upload-options.js";
export { type ApiErrorDetails, throwIfAborted } from "./core/errors.js";
export {
  createMultipartFormBody,
  type MultipartFormBody,
  type MultipartFormOptions,
} from "./core/form-data/multipart-form-body.js";
export { ByteMeter, type DigestName } from "./core/http/byte-meter.js";
export { assertCredentialsStayOnOrigin, isCredentialHeader } from "./core/http/credentials.js";
export { headerValueProblem } from "./core/http/header-value.js";
export { Md5Lanes } from "./core/http/md5-lanes.js";
export { MD5_LANES_LAYOUT, md5LanesModuleBytes } from "./core/http/md5-lanes-wasm.js";
export { readBounded, summarizeErrorBody } from "./core/http/read-bounded.js";
export { mergeRecord } from "./core/journal/upload-journal.js";
export { redactSecrets, redactUrl } from "./core/redact.js";
export {
  isRetryableStatus,
  nextDelay,
  type ResolvedRetryOptions,
  resolveRetry,
  serverRequestedDelay,
  sleep,
} from "./core/retry-policy.js";
export { carryUploadRoute } from "./core/route/create-upload-route.js";
export { createUploadRouteFor } from "./core/route/upload-route.js";
export { isRunningInBrowser } from "./core/runtime/is-browser.js";
export { makeDirectory } from "./core/runtime/make-directory.js";
export { digestSource } from "./core/sources/digest-source.js";
export { assertMimeType } from "./core/sources/mime-type.js";
export { CredentialSet, credentialProblem, withScheme } from "./core/transport/credential-set.js";
export { PartBudget } from "./core/transport/part-budget.js";
export { mayRepeat } from "./core/transport/retry-rules.js";
export {
  type BodyRequest,
  type RequestBody,
  type SentAnswer,
  Transport,
  type TransportConfig,
  type Verdict,
} from "./core/transport/transport.js";
export { TransportLog } from "./core/transport/transport-log.js";
export { assertClientOptions, CLIENT_OPTIONS } from "./core/transport/transport-options-check.js";
export { withUploadScope } from "./core/transport/upload-scope.js";
export { ProgressTracker } from "./core/upload/progress.js";

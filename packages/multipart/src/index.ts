// `@uploadkit/multipart`: what users of the upload runtime need. Provider plumbing lives in `./internal`.
export type { Checkpoint } from "./core/checkpoint/checkpoint-store.js";
export { type CheckpointOption, ResumableSession } from "./core/checkpoint/resumable-session.js";
export type { EngineOptionName } from "./core/engine/upload-options.js";
export {
  DEFAULT_PART_SIZE,
  formatBytes,
  GiB,
  MiB,
  type Part,
  type PartRules,
  planParts,
  S3_PART_RULES,
} from "./core/plan-parts.js";
export { DEFAULT_RETRY } from "./core/retry-policy.js";
export { type OpenSourceOptions, openSource } from "./core/sources/open-source.js";
export type { StreamInput } from "./core/sources/stream-source.js";
export type { PartBody, SourceDigest, SourceFingerprint, UploadSource } from "./core/sources/upload-source.js";
export {
  type ClientTransportOptions,
  DEFAULT_STALL_TIMEOUT_MS,
  DEFAULT_TIMEOUT_MS,
} from "./core/transport/transport-options.js";
export type { PartResponse, PartTarget, TargetContext, TargetResolver } from "./core/upload/part-target.js";
export { type CompletedPart, DEFAULT_CONCURRENCY, type UploadPartsOptions, uploadParts } from "./core/upload/upload-parts.js";
export { VERSION } from "./core/version.js";
export * from "./errors-entry.js";

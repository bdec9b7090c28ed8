// `@uploadkit/multipart`: what users of the upload runtime need. Provider plumbing lives in `./internal`.
export type { Checkpoint } from "./checkpoint/checkpoint-store.js";
export { type CheckpointOption, ResumableSession } from "./checkpoint/resumable-session.js";
export type { EngineOptionName } from "./engine/upload-options.js";
export * from "./errors-entry.js";
export { DEFAULT_PART_SIZE, formatBytes, GiB, MiB, type Part, type PartRules, planParts, S3_PART_RULES } from "./plan-parts.js";
export { DEFAULT_RETRY } from "./retry-policy.js";
export { type OpenSourceOptions, openSource } from "./sources/open-source.js";
export type { StreamInput } from "./sources/stream-source.js";
export type { PartBody, SourceDigest, SourceFingerprint, UploadSource } from "./sources/upload-source.js";
export {
  type ClientTransportOptions,
  DEFAULT_STALL_TIMEOUT_MS,
  DEFAULT_TIMEOUT_MS,
} from "./transport/transport-options.js";
export type { PartResponse, PartTarget, TargetContext, TargetResolver } from "./upload/part-target.js";
export { type CompletedPart, DEFAULT_CONCURRENCY, type UploadPartsOptions, uploadParts } from "./upload/upload-parts.js";
export { VERSION } from "./version.js";

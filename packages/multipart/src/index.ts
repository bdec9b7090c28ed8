export {
  AbortError,
  ApiError,
  type ApiErrorDetails,
  type ApiErrorKind,
  CheckpointError,
  InputError,
  IntegrityError,
  isAbortError,
  PartUploadError,
  SourceChangedError,
  UploadkitError,
} from "./errors.js";
export { DEFAULT_PART_SIZE, formatBytes, GiB, MiB, type Part, type PartRules, planParts, S3_PART_RULES } from "./plan-parts.js";
export { redactSecrets, redactUrl } from "./redact.js";

// Each provider's documented limits, read by its client (checked before any call) and by its sandbox fake
// (enforced on requests). Sources: ../../shared/providers.md and the specs under specs/<provider>/.

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

/** Fanvue's uploads are S3 multipart sessions: 5 MiB to 5 GiB per part (the last smaller), up to 10,000 parts. */
export const FANVUE_LIMITS = {
  minPartSize: 5 * MiB,
  maxPartSize: 5 * GiB,
  maxParts: 10_000,
  /** Our default part size (grown to stay within maxParts). */
  preferredPartSize: 10 * MiB,
  /** `name` and `filename` lengths. */
  minNameLength: 1,
  maxNameLength: 255,
} as const;

/** OFAuth plans the parts itself (init answer); its fake's default part size. */
export const OFAUTH_LIMITS = {
  defaultPartSize: 5 * MiB,
} as const;

/** The mobile-media allowlist Record360's `multipart_upload_start` checks `content_type` against (case-insensitive). */
export const RECORD360_CONTENT_TYPES = [
  "image/jpeg",
  "image/png",
  "video/mp4",
  "image/heif",
  "image/heic",
  "video/quicktime",
  "image/webp",
  "video/3gpp",
  "video/webm",
  "image/gif",
  "video/x-m4v",
  "image/bmp",
] as const;

/** Record360: 1–20 parts of 5 MB to 5 GB, the last part smaller. */
export const RECORD360_LIMITS = {
  minPartSize: 5 * MiB,
  maxPartSize: 5 * GiB,
  maxParts: 20,
  /** Parts above this are split further, while the part count allows. */
  preferredMaxPartSize: 16 * MiB,
  contentTypes: RECORD360_CONTENT_TYPES,
} as const;

/** Flowkiwi's documented upload limits, read as decimal megabytes. */
export const FLOWKIWI_LIMITS = {
  maxFileBytes: 5_000_000,
  maxVideoBytes: 100_000_000,
} as const;

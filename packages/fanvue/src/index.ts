export * from "@uploadkit/multipart/errors";
export type { FanvuePaths } from "./api-paths.js";
export {
  createFanvueClient,
  FANVUE_API_VERSION,
  FANVUE_BASE_URL,
  type FanvueClient,
  type FanvueClientOptions,
  type UploadMediaResult,
} from "./client.js";
export type { FanvueMedia, FanvueMediaStatus, FanvueUpload, UploadMediaOptions } from "./fanvue-adapter.js";
export type { components, operations, paths } from "./generated/openapi.js";
export { FANVUE_MEDIA_TYPES, type FanvueMediaType, mediaTypeFromMime } from "./media-type.js";
export type { FanvueOAuthTokenOptions, FanvueTokens } from "./oauth-token.js";
export { fanvueOAuthToken } from "./oauth-token-entry.js";
export type { FanvuePagedPath, FanvuePageInit, FanvuePageItem } from "./paginate.js";
export { FANVUE_TOKEN_URL } from "./token-url.js";
export type { WaitForReadyOptions } from "./wait-for-ready.js";

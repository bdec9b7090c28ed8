export * from "@uploadkit/multipart/errors";
export {
  createOfauthClient,
  OFAUTH_BASE_URL,
  type OfauthClient,
  type OfauthClientOptions,
  type UploadMediaResult,
} from "./client.js";
export type { components, operations, paths } from "./generated/openapi.js";
export type { OfauthMedia, OfauthSkipped, OfauthUpload, OfauthUploaded, UploadMediaOptions } from "./ofauth-adapter.js";

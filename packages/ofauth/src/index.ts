export * from "@uploadkit/multipart/errors";
export { createOfauthClient, OFAUTH_BASE_URL, type OfauthClient, type OfauthClientOptions } from "./client.js";
export type { components, operations, paths } from "./generated/openapi.js";
export type { OfauthMedia, UploadMediaOptions, UploadMediaResult } from "./upload-media.js";

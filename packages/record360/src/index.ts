export * from "@uploadkit/multipart/errors";
export {
  createRecord360Client,
  RECORD360_BASE_URL,
  type Record360Client,
  type Record360ClientOptions,
  type UploadMediaResult,
} from "./client.js";
export { RECORD360_CONTENT_TYPES, type Record360ContentType } from "./content-types.js";
export type { components, operations, paths } from "./generated/openapi.js";
export { PREFERRED_MAX_PART_SIZE, RECORD360_PART_RULES } from "./part-plan.js";
export type { Record360UploadedFile, UploadMediaOptions } from "./record360-adapter.js";
export { type Record360SignInOptions, record360SignIn } from "./sign-in.js";

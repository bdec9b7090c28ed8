import { type ClientTransportOptions, createApiClient, type SourceInput, transferOptions } from "@uploadkit/multipart";
import type { Client } from "openapi-fetch";
import type { paths } from "./generated/openapi.js";
import { type Record360UploadedFile, type UploadMediaOptions, uploadMedia } from "./upload-media.js";

export const RECORD360_BASE_URL = "https://api.record360.com";

export interface Record360ClientOptions extends ClientTransportOptions {
  /** The JWT from `POST /api/users/authenticate` (sent as `Authorization: Token <jwt>`). */
  token: string;
  /** Default https://api.record360.com. */
  baseUrl?: string;
}

export interface Record360Client {
  /** openapi-fetch client typed by the generated paths (`Accept: application/json; version=1` added). */
  api: Client<paths>;
  /** Uploads a file in 1–20 parts to presigned URLs and completes it. */
  uploadMedia(input: SourceInput, options?: UploadMediaOptions): Promise<Record360UploadedFile>;
}

export function createRecord360Client(options: Record360ClientOptions): Record360Client {
  if (!options?.token)
    throw new TypeError("createRecord360Client: token is required (the auth_token from POST /api/users/authenticate).");
  const baseUrl = options.baseUrl ?? RECORD360_BASE_URL;
  const api = createApiClient<paths>({
    ...options,
    baseUrl,
    credentials: { Authorization: `Token ${options.token}` },
    headers: { Accept: "application/json; version=1" },
  });
  const context = { api, apiOrigin: baseUrl, transfer: transferOptions(options) };
  return { api, uploadMedia: (input, uploadOptions) => uploadMedia(context, input, uploadOptions) };
}

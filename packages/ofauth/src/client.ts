import { type ClientTransportOptions, createApiClient, type SourceInput, transferOptions } from "@uploadkit/multipart";
import type { Client } from "openapi-fetch";
import type { paths } from "./generated/openapi.js";
import { type UploadMediaOptions, type UploadMediaResult, uploadMedia } from "./upload-media.js";

export const OFAUTH_BASE_URL = "https://api.ofauth.com";

export interface OfauthClientOptions extends ClientTransportOptions {
  /** Your OFAuth API key (sent as the `apiKey` header). */
  apiKey: string;
  /** The connection to act for (sent as `x-connection-id`). */
  connectionId: string;
  /** Default https://api.ofauth.com. */
  baseUrl?: string;
}

export interface OfauthClient {
  /** openapi-fetch client typed by the generated paths. */
  api: Client<paths>;
  /** Uploads a file to the vault; the returned `mediaUploadId` is what posts and messages take. */
  uploadMedia(input: SourceInput, options?: UploadMediaOptions): Promise<UploadMediaResult>;
}

export function createOfauthClient(options: OfauthClientOptions): OfauthClient {
  if (!options?.apiKey) throw new TypeError("createOfauthClient: apiKey is required.");
  if (!options.connectionId)
    throw new TypeError("createOfauthClient: connectionId is required (the x-connection-id of the account).");
  const baseUrl = options.baseUrl ?? OFAUTH_BASE_URL;
  const credentials = { apiKey: options.apiKey, "x-connection-id": options.connectionId };
  const api = createApiClient<paths>({
    ...options,
    baseUrl,
    credentials,
  });
  const context = { api, apiOrigin: baseUrl, credentials, transfer: transferOptions(options) };
  return { api, uploadMedia: (input, uploadOptions) => uploadMedia(context, input, uploadOptions) };
}

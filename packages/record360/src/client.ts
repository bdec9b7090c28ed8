import type { ClientTransportOptions, CredentialSource, SourceInput, UploadsMany } from "@uploadkit/multipart";
import type { UploadResult } from "@uploadkit/multipart/internal";
import { assertClientOptions, carryUploadRoute, createProviderClient, withScheme } from "@uploadkit/multipart/internal";
import { baseUrlFromEnvironment, providerDescriptor } from "@uploadkit/providers";
import type { Client } from "openapi-fetch";
import type { paths } from "./generated/openapi.js";
import { type Record360UploadedFile, record360Adapter, type UploadMediaOptions } from "./record360-adapter.js";

/** Record360's API: https://api.record360.com. */
export const RECORD360_BASE_URL = providerDescriptor("record360").defaultBaseUrl as string;

/** Options of `createRecord360Client`: the token, where the API is, and the transport options every client takes. */
export interface Record360ClientOptions extends ClientTransportOptions {
  /**
   * The JWT from `POST /api/users/authenticate` (sent as `Authorization: Token <jwt>`), or a function returning one
   * (asked before each API call and once more after a 401) — `record360SignIn()` signs in with a username and password.
   */
  token: CredentialSource;
  /** Default: `RECORD360_BASE_URL` from the environment, else https://api.record360.com. */
  baseUrl?: string;
}

/** What `uploadMedia` resolves with: Record360's UploadedFile (`id`, `location`, `etag`, `filesize`) and the common core. */
export type UploadMediaResult = UploadResult<Record360UploadedFile>;

/** A Record360 client: the typed `api`, and `uploadMedia`. */
export interface Record360Client extends UploadsMany<UploadMediaOptions, Record360UploadedFile> {
  /** openapi-fetch client typed by the generated paths (`Accept: application/json; version=1` added). */
  api: Client<paths>;
  /** Uploads a file in 1–20 parts to presigned URLs and completes it. */
  uploadMedia(input: SourceInput, options?: UploadMediaOptions): Promise<UploadMediaResult>;
}

/** Creates a Record360 client. Throws a TypeError without a token, an InputError for one that is no string or function. */
export function createRecord360Client(options: Record360ClientOptions): Record360Client {
  assertClientOptions(options, "createRecord360Client", { token: "credential", baseUrl: true });
  if (!options?.token)
    throw new TypeError("createRecord360Client: token is required (the auth_token from POST /api/users/authenticate).");
  const baseUrl = options.baseUrl ?? baseUrlFromEnvironment("record360") ?? RECORD360_BASE_URL;
  const core = createProviderClient<paths, UploadMediaOptions, unknown, Record360UploadedFile>(
    {
      ...options,
      baseUrl,
      credentials: { Authorization: withScheme("Token", options.token) },
      headers: { Accept: "application/json; version=1" },
    },
    (api) => record360Adapter(api),
  );
  const { api, uploadMedia, uploadMany, uploadEach } = core;
  return carryUploadRoute(core, { api, uploadMedia, uploadMany, uploadEach });
}

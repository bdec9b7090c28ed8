import type { ClientTransportOptions, CredentialSource, SourceInput, UploadsMany } from "@uploadkit/multipart";
import { InputError } from "@uploadkit/multipart";
import {
  assertClientOptions,
  carryUploadRoute,
  createProviderClient,
  isRunningInBrowser,
  type UploadResult,
} from "@uploadkit/multipart/internal";
import { baseUrlFromEnvironment, providerDescriptor } from "@uploadkit/providers";
import type { Client } from "openapi-fetch";
import type { paths } from "./generated/openapi.js";
import { type OfauthUpload, ofauthAdapter, type UploadMediaOptions } from "./ofauth-adapter.js";

/** OFAuth's API: https://api.ofauth.com. */
export const OFAUTH_BASE_URL = providerDescriptor("ofauth").defaultBaseUrl as string;

/** Options of `createOfauthClient`: credentials, where the API is, and the transport options every client takes. */
export interface OfauthClientOptions extends ClientTransportOptions {
  /** Your OFAuth API key (sent as the `apiKey` header), or a function returning it (asked again after a 401). */
  apiKey: CredentialSource;
  /** The connection to act for (sent as `x-connection-id`), or a function returning it. */
  connectionId: CredentialSource;
  /** Default: `OFAUTH_BASE_URL` from the environment, else https://api.ofauth.com. */
  baseUrl?: string;
  /**
   * Your API key is an account secret: in a web page or Web Worker anyone who loads it can read the key, so
   * `createOfauthClient` refuses to run there unless this is true. Upload from your server instead.
   */
  dangerouslyAllowBrowser?: boolean;
}

/** What `uploadMedia` resolves with: OFAuth's record (`mediaUploadId`, or `skipped` with `media`) and the common core. */
export type UploadMediaResult = UploadResult<OfauthUpload>;

/** An OFAuth client: the typed `api`, and `uploadMedia` into the vault. */
export interface OfauthClient extends UploadsMany<UploadMediaOptions, OfauthUpload> {
  /** openapi-fetch client typed by the generated paths. */
  api: Client<paths>;
  /** Uploads a file to the vault; the returned `mediaUploadId` is what posts and messages take. */
  uploadMedia(input: SourceInput, options?: UploadMediaOptions): Promise<UploadMediaResult>;
}

/**
 * Creates an OFAuth client. Throws a TypeError without an API key or connection id, and an InputError for one that
 * is no string or function, or (`INPUT_BROWSER_SECRET`) in a browser unless `dangerouslyAllowBrowser` is set.
 */
export function createOfauthClient(options: OfauthClientOptions): OfauthClient {
  assertClientOptions(options, "createOfauthClient", {
    apiKey: "credential",
    connectionId: "credential",
    baseUrl: true,
    dangerouslyAllowBrowser: "boolean",
  });
  if (isRunningInBrowser() && options?.dangerouslyAllowBrowser !== true) {
    throw new InputError(
      "createOfauthClient: this looks like a web page or Web Worker, and your OFAuth API key is an account secret that anyone who loads the page could read. Keep the key on your server and upload from there (the page sends its file to your server); pass dangerouslyAllowBrowser: true only if the key in this page is meant to be public.",
      { code: "INPUT_BROWSER_SECRET" },
    );
  }
  if (!options?.apiKey) throw new TypeError("createOfauthClient: apiKey is required.");
  if (!options.connectionId)
    throw new TypeError("createOfauthClient: connectionId is required (the x-connection-id of the account).");
  const baseUrl = options.baseUrl ?? baseUrlFromEnvironment("ofauth") ?? OFAUTH_BASE_URL;
  const core = createProviderClient<paths, UploadMediaOptions, unknown, OfauthUpload>(
    {
      ...options,
      baseUrl,
      credentials: { apiKey: options.apiKey, "x-connection-id": options.connectionId },
    },
    (api) => ofauthAdapter(api, baseUrl),
  );
  const { api, uploadMedia, uploadMany, uploadEach } = core;
  return carryUploadRoute(core, { api, uploadMedia, uploadMany, uploadEach });
}

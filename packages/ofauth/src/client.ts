import type {
  ClientTransportOptions,
  CredentialSource,
  SourceInput,
  UploadManyItem,
  UploadManyOptions,
  UploadManyOutcome,
} from "@uploadkit/multipart";
import { createApiClient, createClientTransport, runUpload, runUploads, type UploadResult } from "@uploadkit/multipart/internal";
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
}

/** What `uploadMedia` resolves with: OFAuth's record (`mediaUploadId`, or `skipped` with `media`) and the common core. */
export type UploadMediaResult = UploadResult<OfauthUpload>;

/** An OFAuth client: the typed `api`, and `uploadMedia` into the vault. */
export interface OfauthClient {
  /** openapi-fetch client typed by the generated paths. */
  api: Client<paths>;
  /** Uploads a file to the vault; the returned `mediaUploadId` is what posts and messages take. */
  uploadMedia(input: SourceInput, options?: UploadMediaOptions): Promise<UploadMediaResult>;
  /**
   * Uploads several files: `filesConcurrency` at once (default 8), sharing one budget of `concurrency` parts in flight
   * (default 4). Resolves with every file's outcome in input order; one file's failure does not stop the others.
   */
  uploadMany(
    items: readonly UploadManyItem<UploadMediaOptions>[],
    options?: UploadManyOptions,
  ): Promise<UploadManyOutcome<OfauthUpload>[]>;
}

/** Creates an OFAuth client. Throws a TypeError without an API key or connection id. */
export function createOfauthClient(options: OfauthClientOptions): OfauthClient {
  if (!options?.apiKey) throw new TypeError("createOfauthClient: apiKey is required.");
  if (!options.connectionId)
    throw new TypeError("createOfauthClient: connectionId is required (the x-connection-id of the account).");
  const baseUrl = options.baseUrl ?? baseUrlFromEnvironment("ofauth") ?? OFAUTH_BASE_URL;
  const transport = createClientTransport({
    ...options,
    baseUrl,
    credentials: { apiKey: options.apiKey, "x-connection-id": options.connectionId },
  });
  const api = createApiClient<paths>({ baseUrl, transport });
  const adapter = ofauthAdapter(api, baseUrl);
  return {
    api,
    uploadMedia: (input, uploadOptions) => runUpload(adapter, transport, input, uploadOptions),
    uploadMany: (items, manyOptions) => runUploads(adapter, transport, items, manyOptions),
  };
}

import type { ClientTransportOptions, CredentialSource, PaginateOptions, SourceInput, UploadsMany } from "@uploadkit/multipart";
import type { UploadResult } from "@uploadkit/multipart/internal";
import { assertClientOptions, carryUploadRoute, createProviderClient, withScheme } from "@uploadkit/multipart/internal";
import { baseUrlFromEnvironment, providerDescriptor } from "@uploadkit/providers";
import type { Client } from "openapi-fetch";
import type { FanvuePaths } from "./api-paths.js";
import { type FanvueUpload, fanvueAdapter, getMedia, type UploadMediaOptions } from "./fanvue-adapter.js";
import { type FanvuePagedPath, type FanvuePageInit, type FanvuePageItem, paginate } from "./paginate.js";

/** Fanvue's production API: https://api.fanvue.com. */
export const FANVUE_BASE_URL = providerDescriptor("fanvue").defaultBaseUrl as string;
/** The `X-Fanvue-API-Version` sent when `apiVersion` is not given. */
export const FANVUE_API_VERSION = "2025-06-26";

/** Options of `createFanvueClient`: the token, where the API is, and the transport options every client takes. */
export interface FanvueClientOptions extends ClientTransportOptions {
  /**
   * OAuth 2.0 access token (scopes `write:media`, `read:media`; `write:creator` for creator routes), or a function
   * returning one — asked before each API call and once more after a 401. `fanvueOAuthToken()` is such a function
   * that refreshes through Fanvue's token endpoint.
   */
  token: CredentialSource;
  /** Default: `FANVUE_BASE_URL` from the environment, else https://api.fanvue.com. */
  baseUrl?: string;
  /** Sent as X-Fanvue-API-Version. Default 2025-06-26. */
  apiVersion?: string;
}

/** What `uploadMedia` resolves with: Fanvue's record (`mediaUuid`, `uploadId`, `status`) and the common core. */
export type UploadMediaResult = UploadResult<FanvueUpload>;

/** A Fanvue client: the typed `api` for every operation, and `uploadMedia`. */
export interface FanvueClient extends UploadsMany<UploadMediaOptions, FanvueUpload> {
  /** openapi-fetch client typed by the generated paths: every operation in the spec. */
  api: Client<FanvuePaths>;
  /** Uploads a file (path, bytes, Blob or stream) as Fanvue media, resumably. */
  uploadMedia(input: SourceInput, options?: UploadMediaOptions): Promise<UploadMediaResult>;
  /** A media record; `{ uuid, status }` only while it is not ready. */
  getMedia(uuid: string, options?: { creatorUserUuid?: string; signal?: AbortSignal }): ReturnType<typeof getMedia>;
  /**
   * Every item of a paged list, fetched page by page as the loop asks:
   * `for await (const subscriber of fanvue.paginate("GET /subscribers", { params: { query: { size: 50 } } }))`.
   * `page`/`size` lists follow `pagination.hasMore`, cursor lists `nextCursor`. `init` is what `api.GET` takes for
   * that path; `maxPages` bounds the pages read, `signal` stops the loop.
   */
  paginate<Path extends FanvuePagedPath>(
    route: `GET ${Path}`,
    init?: FanvuePageInit<Path>,
    options?: PaginateOptions,
  ): AsyncGenerator<FanvuePageItem<Path>>;
}

/**
 * Creates a Fanvue client. Throws a TypeError without a token; a token that is no string or function, and bad
 * transport options, are an InputError.
 */
export function createFanvueClient(options: FanvueClientOptions): FanvueClient {
  assertClientOptions(options, "createFanvueClient", { token: "credential", baseUrl: true, apiVersion: "string" });
  if (!options?.token) throw new TypeError("createFanvueClient: token is required (a Fanvue OAuth access token).");
  const baseUrl = options.baseUrl ?? baseUrlFromEnvironment("fanvue") ?? FANVUE_BASE_URL;
  const core = createProviderClient<FanvuePaths, UploadMediaOptions, unknown, FanvueUpload>(
    {
      ...options,
      baseUrl,
      credentials: { Authorization: withScheme("Bearer", options.token) },
      headers: { "X-Fanvue-API-Version": options.apiVersion ?? FANVUE_API_VERSION },
      // Fanvue takes lists comma separated (`?variants=main,thumbnail`, `?mediaUuids=a,b`; openapi.json `explode: false`).
      querySerializer: { array: { style: "form", explode: false } },
    },
    (api) => fanvueAdapter(api),
  );
  const { api, uploadMedia, uploadMany, uploadEach } = core;
  return carryUploadRoute(core, {
    api,
    uploadMedia,
    uploadMany,
    uploadEach,
    getMedia: (uuid, getOptions = {}) => getMedia(api, uuid, getOptions.creatorUserUuid ?? null, getOptions.signal),
    paginate: (route, init, paginateOptions) => paginate(api, route, init, paginateOptions),
  });
}

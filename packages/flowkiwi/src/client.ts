import {
  type ClientTransportOptions,
  type CredentialSource,
  type PaginateOptions,
  type SourceInput,
  type UploadsMany,
  unwrap,
} from "@uploadkit/multipart";
import type { UploadResult } from "@uploadkit/multipart/internal";
import { assertClientOptions, carryUploadRoute, createProviderClient, withScheme } from "@uploadkit/multipart/internal";
import { baseUrlFromEnvironment } from "@uploadkit/providers";
import type { Client } from "openapi-fetch";
import { type FlowkiwiMedia, flowkiwiAdapter, type UploadMediaOptions } from "./flowkiwi-adapter.js";
import type { paths } from "./generated/openapi.js";
import { iterateMedia, listMediaPage, type MediaPage, type MediaQuery } from "./media-pages.js";

/** Options of `createFlowkiwiClient`: credentials, the instance, and the transport options every client takes. */
export interface FlowkiwiClientOptions extends ClientTransportOptions {
  /** OAuth 2.0 bearer token (a partner user token or an integration's token), or a function returning one (asked again after a 401). */
  token: CredentialSource;
  /** Sent as X-Flowkiwi-Organization-Id: the organisation the requests act as. */
  organizationId: string;
  /** The instance handle: https://<tenant>.product-management.flowkiwi.net. */
  tenant?: string;
  /** Overrides `tenant`. Default: `FLOWKIWI_BASE_URL` from the environment. */
  baseUrl?: string;
}

/** What `uploadMedia` resolves with: the created Media and the common core. */
export type UploadMediaResult = UploadResult<FlowkiwiMedia>;

/** A Flowkiwi client: the typed `api`, `uploadMedia`, and media reads and deletes. */
export interface FlowkiwiClient extends UploadsMany<UploadMediaOptions, FlowkiwiMedia> {
  /** openapi-fetch client typed by the generated paths. */
  api: Client<paths>;
  /** Uploads a file as a Media (streamed multipart/form-data), verifying its SHA-256. */
  uploadMedia(input: SourceInput, options?: UploadMediaOptions): Promise<UploadMediaResult>;
  /** One media by id. */
  getMedia(id: string, options?: { signal?: AbortSignal }): Promise<FlowkiwiMedia>;
  /** One page; `page.next()` fetches the following one. */
  listMedia(query?: MediaQuery, options?: { signal?: AbortSignal }): Promise<MediaPage>;
  /**
   * Every media, across pages: `for await (const media of kiwi.iterateMedia())`. `signal` stops it; `maxPages` bounds
   * the pages read.
   */
  iterateMedia(query?: MediaQuery, options?: PaginateOptions): AsyncGenerator<FlowkiwiMedia>;
  /** Deletes a media (products and variants may still reference it: check first). */
  deleteMedia(id: string, options?: { signal?: AbortSignal }): Promise<void>;
}

const TENANT = /^[a-z](?:[a-z0-9-]*[a-z0-9])?$/;

/**
 * Creates a Flowkiwi client. Throws a TypeError without a token, an organisation, or a tenant or base URL, and an
 * InputError for a token that is no string or function, or an organisation or tenant that is no string.
 */
export function createFlowkiwiClient(options: FlowkiwiClientOptions): FlowkiwiClient {
  assertClientOptions(options, "createFlowkiwiClient", {
    token: "credential",
    organizationId: "string",
    tenant: "string",
    baseUrl: true,
  });
  if (!options?.token) throw new TypeError("createFlowkiwiClient: token is required.");
  if (!options.organizationId)
    throw new TypeError("createFlowkiwiClient: organizationId is required (sent as X-Flowkiwi-Organization-Id).");
  const configured = options.baseUrl ?? baseUrlFromEnvironment("flowkiwi");
  if (!configured && !(options.tenant && TENANT.test(options.tenant))) {
    throw new TypeError(
      `createFlowkiwiClient: give tenant (your instance handle, e.g. "my-shop") or baseUrl; got tenant ${JSON.stringify(options.tenant)}.`,
    );
  }
  const baseUrl = configured ?? `https://${options.tenant}.product-management.flowkiwi.net`;
  const core = createProviderClient<paths, UploadMediaOptions, unknown, FlowkiwiMedia>(
    {
      ...options,
      baseUrl,
      credentials: { Authorization: withScheme("Bearer", options.token), "X-Flowkiwi-Organization-Id": options.organizationId },
      headers: { Accept: "application/ld+json, application/problem+json" },
    },
    (api) => flowkiwiAdapter(baseUrl, api),
  );
  const { api, uploadMedia, uploadMany, uploadEach } = core;
  return carryUploadRoute(core, {
    api,
    uploadMedia,
    uploadMany,
    uploadEach,
    getMedia: (id, { signal } = {}) => unwrap(api.GET("/rest/api/medias/{id}", { params: { path: { id } }, signal })),
    listMedia: (query, { signal } = {}) => listMediaPage(api, query, signal),
    iterateMedia: (query, options = {}) => iterateMedia(api, query, options),
    deleteMedia: async (id, { signal } = {}) => {
      await unwrap(api.DELETE("/rest/api/medias/{id}", { params: { path: { id } }, signal }));
    },
  });
}

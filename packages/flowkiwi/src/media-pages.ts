import { type PaginateOptions, unwrap } from "@uploadkit/multipart";
import { assertOptions, iteratePages } from "@uploadkit/multipart/internal";
import type { Client } from "openapi-fetch";
import type { FlowkiwiMedia } from "./flowkiwi-media.js";
import type { paths } from "./generated/openapi.js";

/** Filters and paging of `GET /rest/api/medias` (`page`, `itemsPerPage`, `type`, …). */
export type MediaQuery = NonNullable<paths["/rest/api/medias"]["get"]["parameters"]["query"]>;

/** One page of Flowkiwi's media list. */
export interface MediaPage {
  /** The media on this page. */
  members: FlowkiwiMedia[];
  /** How many media match the query in all, when the server says. */
  totalItems: number | undefined;
  /** The page number of the next page (from `hydra:view`), undefined on the last page. */
  nextPage: number | undefined;
  /** The next page, or undefined on the last one. */
  next(): Promise<MediaPage | undefined>;
}

export async function listMediaPage(api: Client<paths>, query: MediaQuery = {}, signal?: AbortSignal): Promise<MediaPage> {
  assertOptions(query, "listMedia's query", {}, { open: true });
  const collection = await unwrap(api.GET("/rest/api/medias", { params: { query }, signal }));
  const nextLink = collection["hydra:view"]?.["hydra:next"];
  const nextPage = nextLink
    ? Number(new URL(nextLink, "http://flowkiwi.invalid").searchParams.get("page")) || undefined
    : undefined;
  return {
    members: collection["hydra:member"],
    totalItems: collection["hydra:totalItems"],
    nextPage,
    next: async () => (nextPage === undefined ? undefined : listMediaPage(api, { ...query, page: nextPage }, signal)),
  };
}

/**
 * Every media matching `query`, following `hydra:view` next links page by page (the shared paged iterator: a next
 * link back to a page already read ends it with a ProviderResponseError instead of going round forever).
 */
export function iterateMedia(
  api: Client<paths>,
  query: MediaQuery = {},
  options: PaginateOptions = {},
): AsyncGenerator<FlowkiwiMedia> {
  assertOptions(query, "iterateMedia's query", {}, { open: true });
  return iteratePages<MediaPage, FlowkiwiMedia, number>(
    {
      provider: "flowkiwi",
      operation: "GET /rest/api/medias",
      nextField: "hydra:view.hydra:next",
      first: query.page ?? 1,
      fetch: (page, signal) => listMediaPage(api, { ...query, page }, signal),
      items: (page) => page.members,
      next: (page) => page.nextPage,
    },
    options,
  );
}

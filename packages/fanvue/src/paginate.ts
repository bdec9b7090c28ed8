import { InputError, type PaginateOptions, ProviderResponseError, unwrap } from "@uploadkit/multipart";
import { describeValue, iteratePages } from "@uploadkit/multipart/internal";
import type { Client, MaybeOptionalInit } from "openapi-fetch";
import type { FanvuePaths } from "./api-paths.js";

/** The JSON a GET of `Path` answers with 200. */
type Answer<Path extends keyof FanvuePaths> = FanvuePaths[Path] extends {
  get: { responses: { 200: { content: { "application/json": infer Body } } } };
}
  ? Body
  : never;

/**
 * The paths of Fanvue's paged lists: a GET that answers `{ data: [...] }` with `pagination` (`page`/`size` queries) or
 * `nextCursor` (a `cursor` query).
 */
export type FanvuePagedPath = {
  [Path in keyof FanvuePaths]: Answer<Path> extends { data: readonly unknown[] }
    ? Answer<Path> extends { pagination: unknown } | { nextCursor?: unknown }
      ? Path
      : never
    : never;
}[keyof FanvuePaths];

/** An item of the paged list at `Path`. */
export type FanvuePageItem<Path extends FanvuePagedPath> = Answer<Path> extends { data: readonly (infer Item)[] } ? Item : never;

/** The openapi-fetch options of a GET of `Path` (path parameters, query, headers), as `fanvue.api.GET` takes them. */
export type FanvuePageInit<Path extends FanvuePagedPath> = MaybeOptionalInit<FanvuePaths[Path], "get">;

type PageAnswer = {
  data?: unknown;
  pagination?: { page?: unknown; hasMore?: unknown } | null;
  nextCursor?: unknown;
};

/**
 * Every item of one of Fanvue's paged lists, page after page: `page`/`size` lists follow `pagination.hasMore`, cursor
 * lists follow `nextCursor` until it is null. The first page is the one `init.params.query` asks for (`page`, or
 * `cursor`); `size`/`limit` pass through. A cursor already read, or an answer that is no page, is a
 * ProviderResponseError; `maxPages` bounds the pages read, `signal` stops the iteration.
 */
export function paginate<Path extends FanvuePagedPath>(
  api: Client<FanvuePaths>,
  route: `GET ${Path}`,
  init?: FanvuePageInit<Path>,
  options: PaginateOptions = {},
): AsyncGenerator<FanvuePageItem<Path>> {
  if (typeof route !== "string" || !route.startsWith("GET /")) {
    throw new InputError(`paginate takes "GET /path" of a paged list, got ${describeValue(route)}.`, { code: "INPUT_INVALID" });
  }
  const path = route.replace(/^GET /, "") as Path;
  const base = (init ?? {}) as { params?: { query?: Record<string, unknown> } & Record<string, unknown> };
  const query = base.params?.query ?? {};
  const operation = `GET ${path}`;
  const fail = (field: string, problem: string): never => {
    throw new ProviderResponseError(`Fanvue answered ${operation} with ${problem} in ${field}; it is not a page of a list.`, {
      provider: "fanvue",
      operation,
      field,
    });
  };
  type Cursor = { page: number } | { cursor: string } | undefined;
  const first: Cursor =
    typeof query.cursor === "string"
      ? { cursor: query.cursor }
      : typeof query.page === "number"
        ? { page: query.page }
        : undefined;
  return iteratePages<PageAnswer, FanvuePageItem<Path>, Cursor>(
    {
      provider: "fanvue",
      operation,
      nextField: "pagination.hasMore / nextCursor",
      first,
      fetch: async (cursor, signal) => {
        const get = api.GET as unknown as (path: string, init: unknown) => ReturnType<Client<FanvuePaths>["GET"]>;
        const page = (await unwrap(
          get(path, { ...base, params: { ...base.params, query: { ...query, ...cursor } }, signal }),
        )) as PageAnswer;
        if (!page || typeof page !== "object" || !Array.isArray(page.data)) fail("data", "no list");
        return page;
      },
      items: (page) => page.data as FanvuePageItem<Path>[],
      next: (page, cursor) => {
        if ("nextCursor" in page && !("pagination" in page)) {
          if (page.nextCursor === null || page.nextCursor === undefined || page.nextCursor === "") return undefined;
          if (typeof page.nextCursor !== "string") fail("nextCursor", "a value that is not a string or null");
          return { cursor: page.nextCursor as string };
        }
        const pagination = page.pagination;
        if (!pagination || typeof pagination !== "object") return fail("pagination", "nothing");
        if (pagination.hasMore !== true) return undefined;
        const current =
          typeof pagination.page === "number" && Number.isSafeInteger(pagination.page)
            ? pagination.page
            : cursor && "page" in cursor
              ? cursor.page
              : 1;
        return { page: current + 1 };
      },
    },
    options,
  );
}

import { assertOptions, type OptionKind } from "../argument-checks.js";
import { AbortError, ProviderResponseError } from "../errors.js";

/** Pages read at most by a paged iterator when `maxPages` is not given: a server that never ends its pages is an error. */
export const DEFAULT_MAX_PAGES = 10_000;

/** Options of a paged iterator (`fanvue.paginate`, `flowkiwi.iterateMedia`). */
export interface PaginateOptions {
  /** Stops the iteration before the next page is asked for: the loop rejects with an AbortError. */
  signal?: AbortSignal | undefined;
  /**
   * Reads at most this many pages, then ends quietly. Without it, reading more than 10,000 pages rejects with a
   * ProviderResponseError (a server that never ends its pages).
   */
  maxPages?: number | undefined;
}

/** How to walk one paged list: where a page is fetched, what it holds and where the next one is. */
export interface PageWalk<Page, Item, Cursor> {
  /** Names the list in errors: the provider and its operation (`GET /subscribers`). */
  provider: string;
  operation: string;
  /** The answer's field that points to the next page, for errors (`pagination.hasMore`, `nextCursor`). */
  nextField: string;
  /** The cursor of the first page (undefined: the API's default first page). */
  first: Cursor | undefined;
  fetch(cursor: Cursor | undefined, signal: AbortSignal | undefined): Promise<Page>;
  items(page: Page): readonly Item[];
  /** The cursor of the page after `page` (read with `cursor`), or undefined on the last page. */
  next(page: Page, cursor: Cursor | undefined): Cursor | undefined;
}

/**
 * Every item of a paged list, page by page, fetched as the loop asks for them. Ends on the last page, after
 * `maxPages` pages, or — with a ProviderResponseError — when the server sends back to a page already read or never
 * ends its pages; `signal` stops it with an AbortError.
 */
/** What each paging option must be, held by the compiler to `PaginateOptions`. */
const PAGING_OPTIONS: Readonly<Record<keyof PaginateOptions, OptionKind>> = { signal: "signal", maxPages: 1 };

export async function* iteratePages<Page, Item, Cursor>(
  walk: PageWalk<Page, Item, Cursor>,
  options: PaginateOptions = {},
): AsyncGenerator<Item> {
  assertOptions(options, "The paging options", PAGING_OPTIONS);
  const { signal } = options;
  const limit = options.maxPages ?? DEFAULT_MAX_PAGES;
  const seen = new Set<string>();
  let cursor = walk.first;
  for (let read = 0; ; read++) {
    if (read === limit) {
      if (options.maxPages !== undefined) return;
      throw new ProviderResponseError(
        `${walk.provider} answered ${DEFAULT_MAX_PAGES} pages of ${walk.operation} and still says there are more; stopping (set maxPages to read a bounded number of pages).`,
        { provider: walk.provider, operation: walk.operation, field: walk.nextField },
      );
    }
    if (signal?.aborted) throw new AbortError(undefined, { cause: signal.reason });
    const key = JSON.stringify(cursor ?? null);
    if (seen.has(key)) {
      throw new ProviderResponseError(
        `${walk.provider}'s ${walk.operation} points back to a page already read (${key}); stopping instead of looping.`,
        { provider: walk.provider, operation: walk.operation, field: walk.nextField },
      );
    }
    seen.add(key);
    const page = await walk.fetch(cursor, signal);
    yield* walk.items(page);
    const next = walk.next(page, cursor);
    if (next === undefined) return;
    cursor = next;
  }
}

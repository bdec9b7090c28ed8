import { describe, expect, it } from "vitest";
import { DEFAULT_MAX_PAGES, iteratePages, type PageWalk } from "../src/core/api/iterate-pages.js";
import { AbortError, InputError, ProviderResponseError } from "../src/core/errors.js";

type Page = { items: number[]; next?: number };

/** A list whose page n holds [n] and points to `next(n)` (undefined: the last page). */
function walk(next: (n: number) => number | undefined, fetched: number[] = []): PageWalk<Page, number, number> {
  return {
    provider: "test",
    operation: "GET /things",
    nextField: "next",
    first: 1,
    fetch: async (cursor) => {
      fetched.push(cursor ?? 1);
      return { items: [cursor ?? 1], next: next(cursor ?? 1) };
    },
    items: (page) => page.items,
    next: (page) => page.next,
  };
}

async function all<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

describe("iteratePages", () => {
  it("reads every page until the last, one fetch per page, as the loop asks", async () => {
    const fetched: number[] = [];
    const iterator = iteratePages(walk((n) => (n < 5 ? n + 1 : undefined), fetched));
    expect((await iterator.next()).value).toBe(1);
    expect(fetched).toEqual([1]);
    expect(await all(iterator)).toEqual([2, 3, 4, 5]);
    expect(fetched).toEqual([1, 2, 3, 4, 5]);
  });

  it("maxPages ends quietly after that many pages", async () => {
    const fetched: number[] = [];
    expect(
      await all(
        iteratePages(
          walk((n) => n + 1, fetched),
          { maxPages: 3 },
        ),
      ),
    ).toEqual([1, 2, 3]);
    expect(fetched).toHaveLength(3);
  });

  it("a server that never ends its pages fails after the default bound", async () => {
    const fetched: number[] = [];
    const error = await all(iteratePages(walk((n) => n + 1, fetched))).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderResponseError);
    expect((error as Error).message).toMatch(/10000 pages of GET \/things and still says there are more/);
    expect(fetched).toHaveLength(DEFAULT_MAX_PAGES);
  });

  it("a next page already read is a ProviderResponseError, not a loop", async () => {
    const error = await all(iteratePages(walk((n) => (n === 3 ? 2 : n + 1)))).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderResponseError);
    expect(error).toMatchObject({ provider: "test", operation: "GET /things", field: "next" });
  });

  it("signal stops before the next page; maxPages must be a whole number ≥ 1", async () => {
    const controller = new AbortController();
    const fetched: number[] = [];
    const read = async () => {
      for await (const n of iteratePages(
        walk((n) => n + 1, fetched),
        { signal: controller.signal },
      ))
        if (n === 2) controller.abort();
    };
    await expect(read()).rejects.toBeInstanceOf(AbortError);
    expect(fetched).toEqual([1, 2]);
    for (const maxPages of [0, -1, 1.5, Number.NaN])
      await expect(
        all(
          iteratePages(
            walk(() => undefined),
            { maxPages },
          ),
        ),
      ).rejects.toBeInstanceOf(InputError);
    // Options of the wrong kind or name, before any page is asked for.
    const asked: number[] = [];
    for (const [options, named] of [
      [null, /^The paging options must be an object, got null\.$/],
      [{ signal: "stop" }, /^signal must be an AbortSignal, got a string\.$/],
      [{ maxpages: 2 }, /unknown option maxpages; the options are signal, maxPages\./],
    ] as const)
      await expect(
        all(
          iteratePages(
            walk(() => undefined, asked),
            options as never,
          ),
        ),
      ).rejects.toThrow(named);
    expect(asked).toEqual([]);
  });
});

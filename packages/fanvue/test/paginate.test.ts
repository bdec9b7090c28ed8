import { AbortError, ProviderResponseError } from "@uploadkit/multipart";
import { type RecordingServer, sendJson, startRecordingServer } from "@uploadkit/testkit";
import { afterEach, describe, expect, expectTypeOf, it } from "vitest";
import { createFanvueClient, type FanvuePagedPath, type FanvuePageItem } from "../src/index.js";

let server: RecordingServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const fanvue = (origin: string) => createFanvueClient({ token: "t", baseUrl: origin, retry: { maxAttempts: 1 } });
const queryOf = (url: string) => Object.fromEntries(new URL(url, "http://x").searchParams);

describe("fanvue.paginate: every item of a paged list, page by page", () => {
  it("types the paged routes and their items", () => {
    expectTypeOf<"/subscribers">().toExtend<FanvuePagedPath>();
    expectTypeOf<"/tracking-links">().toExtend<FanvuePagedPath>();
    expectTypeOf<"/chats/{userUuid}/messages">().toExtend<FanvuePagedPath>();
    // Not a paged list: a single record, and a list answered as a bare array.
    expectTypeOf<"/users/me">().not.toExtend<FanvuePagedPath>();
    expectTypeOf<"/chats/lists/smart">().not.toExtend<FanvuePagedPath>();
    expectTypeOf<FanvuePageItem<"/subscribers">>().toHaveProperty("uuid");
  });

  it("page/size lists: follows pagination.hasMore from the first page asked for, keeping the query", async () => {
    server = await startRecordingServer((request, response) => {
      const { page, size } = queryOf(request.url);
      const n = Number(page ?? 1);
      sendJson(response, 200, {
        data: [{ uuid: `u${n}a` }, { uuid: `u${n}b` }],
        pagination: { page: n, size: Number(size), hasMore: n < 4 },
      });
    });
    const uuids: string[] = [];
    for await (const subscriber of fanvue(server.origin).paginate("GET /subscribers", {
      params: { query: { size: 2, page: 2 } },
    }))
      uuids.push(subscriber.uuid);
    expect(uuids).toEqual(["u2a", "u2b", "u3a", "u3b", "u4a", "u4b"]);
    expect(server.requests.map((r) => queryOf(r.url))).toEqual([
      { page: "2", size: "2" },
      { page: "3", size: "2" },
      { page: "4", size: "2" },
    ]);
    expect(server.requests.every((r) => r.headers.authorization === "Bearer t")).toBe(true);
  });

  it("cursor lists: follows nextCursor until it is null, with path parameters", async () => {
    server = await startRecordingServer((request, response) => {
      const cursor = queryOf(request.url).cursor;
      const next = cursor === undefined ? "c1" : cursor === "c1" ? "c2" : null;
      sendJson(response, 200, { data: [{ uuid: cursor ?? "start" }], nextCursor: next });
    });
    const seen: string[] = [];
    const creator = "0b6e1c9e-5a4f-4c83-9a4e-2f1d8b7c6a50";
    for await (const link of fanvue(server.origin).paginate("GET /creators/{creatorUserUuid}/tracking-links", {
      params: { path: { creatorUserUuid: creator }, query: { limit: 1 } },
    }))
      seen.push((link as { uuid: string }).uuid);
    expect(seen).toEqual(["start", "c1", "c2"]);
    expect(server.requests.map((r) => r.url.split("?")[0])).toEqual(Array(3).fill(`/creators/${creator}/tracking-links`));
  });

  it("a server that never ends its pages: maxPages bounds the pages read, and without it the iteration fails", async () => {
    server = await startRecordingServer((request, response) => {
      const n = Number(queryOf(request.url).page ?? 1);
      sendJson(response, 200, { data: [{ uuid: `p${n}` }], pagination: { page: n, size: 1, hasMore: true } });
    });
    let items = 0;
    for await (const _ of fanvue(server.origin).paginate("GET /followers", undefined, { maxPages: 5 })) items++;
    expect(items).toBe(5);
    expect(server.requests).toHaveLength(5);
  });

  it("a server that points back to a page already read fails with a ProviderResponseError", async () => {
    server = await startRecordingServer((_request, response) =>
      sendJson(response, 200, { data: [{ uuid: "x" }], pagination: { page: 1, size: 1, hasMore: true } }),
    );
    const loop = async () => {
      for await (const _ of fanvue(server?.origin as string).paginate("GET /followers")) {
      }
    };
    await expect(loop()).rejects.toBeInstanceOf(ProviderResponseError);
    expect(server.requests.length).toBeLessThanOrEqual(3);

    await server.close();
    server = await startRecordingServer((_request, response) => sendJson(response, 200, { data: [], nextCursor: "same" }));
    const cursorLoop = async () => {
      for await (const _ of fanvue(server?.origin as string).paginate("GET /insights/earnings")) {
      }
    };
    await expect(cursorLoop()).rejects.toThrow(/points back to a page already read/);
  });

  it("an answer that is no page is a ProviderResponseError naming the field", async () => {
    server = await startRecordingServer((_request, response) => sendJson(response, 200, { items: [] }));
    const read = async () => {
      for await (const _ of fanvue(server?.origin as string).paginate("GET /subscribers")) {
      }
    };
    await expect(read()).rejects.toMatchObject({ name: "ProviderResponseError", field: "data" });
  });

  it('a route that is no "GET /path", and options of the wrong kind, are InputErrors before any request', async () => {
    server = await startRecordingServer((_request, response) => sendJson(response, 200, { data: [] }));
    const client = fanvue(server.origin);
    for (const [call, named] of [
      [() => client.paginate(undefined as never), /^paginate takes "GET \/path" of a paged list, got undefined\.$/],
      [() => client.paginate("/subscribers" as never), /^paginate takes "GET \/path" of a paged list, got a string\.$/],
      [() => client.paginate("GET /subscribers", undefined, { maxPages: 0 }), /^maxPages must be a whole number ≥ 1, got 0\.$/],
      [() => client.paginate("GET /subscribers", undefined, { limit: 5 } as never), /unknown option limit/],
    ] as const) {
      const read = async () => {
        for await (const _ of call());
      };
      await expect(read()).rejects.toMatchObject({ name: "InputError", message: expect.stringMatching(named) });
    }
    expect(server.requests).toHaveLength(0);
  });

  it("signal stops the iteration before the next page", async () => {
    server = await startRecordingServer((request, response) => {
      const n = Number(queryOf(request.url).page ?? 1);
      sendJson(response, 200, { data: [{ uuid: `p${n}` }], pagination: { page: n, size: 1, hasMore: true } });
    });
    const controller = new AbortController();
    const seen: string[] = [];
    const read = async () => {
      for await (const item of fanvue(server?.origin as string).paginate("GET /subscribers", undefined, {
        signal: controller.signal,
      })) {
        seen.push(item.uuid);
        if (seen.length === 2) controller.abort();
      }
    };
    await expect(read()).rejects.toBeInstanceOf(AbortError);
    expect(seen).toEqual(["p1", "p2"]);
    expect(server.requests).toHaveLength(2);
  });
});

import { randomBytes } from "node:crypto";
import { createFlowkiwiClient } from "@uploadkit/flowkiwi";
import { type Logger, UploadRouteError, uploadThroughServer } from "@uploadkit/multipart";
import { createRecord360Client, createUploadRoute } from "@uploadkit/record360";
import { type RedisRouteStore, redisStore } from "@uploadkit/redis";
import { type Sandbox, startSandbox } from "@uploadkit/sandbox";
import { freePort, type RedisServer, startRedisServer } from "@uploadkit/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MP4_HEAD } from "./support/fixtures.js";

// Route instances in one process, each with its own client and its own Redis connection: they share only the
// secret and Redis, as separate servers would. Every step of an upload goes to the next instance.

const MiB = 1024 * 1024;
const PNG = Buffer.from("89504e470d0a1a0a0000000d49484452", "hex");
const SECRET = "the secret every instance holds, rotated below";
let sandbox: Sandbox;
let redis: RedisServer;
const stores: RedisRouteStore[] = [];

beforeAll(async () => {
  [sandbox, redis] = await Promise.all([startSandbox(), startRedisServer()]);
});
afterAll(async () => {
  await Promise.all(stores.map((store) => store.close()));
  await Promise.all([sandbox?.stop(), redis?.stop()]);
});

type Handler = (request: Request) => Promise<Response>;
const store = () => {
  const one = redisStore({ url: redis.url });
  stores.push(one);
  return one;
};
const record360 = () => createRecord360Client({ baseUrl: sandbox.record360.baseUrl, token: sandbox.record360.credentials.token });
const flowkiwi = () => createFlowkiwiClient({ baseUrl: sandbox.flowkiwi.baseUrl, ...sandbox.flowkiwi.credentials });

/** `handlers` as one `fetch`: each request to the next (round robin), as a balancer with no stickiness. */
function roundRobin(handlers: Handler[]): typeof fetch {
  let next = 0;
  return (async (input: string | URL | Request, init?: RequestInit) => {
    const request = new Request(input, init);
    if (new URL(request.url).host !== "app.example") return fetch(request);
    return (handlers[next++ % handlers.length] as Handler)(request);
  }) as typeof fetch;
}

const post = (handler: Handler, step: string, body: unknown) =>
  handler(new Request(`http://app.example/uploads/${step}`, { method: "POST", body: JSON.stringify(body) }));

describe("upload routes on many instances, sharing only the secret and Redis", () => {
  it("a replayed complete on another instance: no second provider call, no second hook call, the same answer", async () => {
    let hooks = 0;
    const instances = [0, 1, 2].map((instance) =>
      createUploadRoute(record360(), {
        secret: SECRET,
        store: store(),
        uploadOptions: { partSize: 5 * MiB },
        onUploadComplete: ({ result }) => ({ hooks: ++hooks, instance, id: result.id, filesize: result.filesize }),
      }),
    );
    const bytes = Buffer.concat([MP4_HEAD, randomBytes(11 * MiB)]);
    const completes: Request[] = [];
    const fetcher = roundRobin(instances);
    const spying = (async (input: string | URL | Request, init?: RequestInit) => {
      const request = new Request(input, init);
      if (request.url.endsWith("/complete")) completes.push(request.clone());
      return fetcher(request);
    }) as typeof fetch;
    const result = await uploadThroughServer<{ hooks: number; filesize: number }>(new Blob([bytes]), {
      endpoint: "http://app.example/uploads",
      filename: "clip.mp4",
      fetch: spying,
    });
    expect(result.serverData).toMatchObject({ hooks: 1, id: result.id, filesize: bytes.length });
    const mark = sandbox.requests.length;
    for (const handler of instances) {
      const replay = await handler(completes[0]?.clone() as Request);
      expect(replay.status).toBe(409);
      expect(await replay.json()).toMatchObject({
        error: { code: "ROUTE_SESSION_FINISHED" },
        answer: { id: result.id, serverData: { hooks: 1 } },
      });
    }
    expect(hooks).toBe(1);
    expect(sandbox.requests.slice(mark).filter((entry) => entry.server === "record360")).toEqual([]);
  });

  it("a replayed relayed file (Flowkiwi) on another instance: one media, one hook call", async () => {
    let hooks = 0;
    const instances = [0, 1, 2].map(() =>
      createUploadRoute(flowkiwi(), { secret: SECRET, store: store(), onUploadComplete: () => ++hooks }),
    );
    const bytes = Buffer.concat([PNG, randomBytes(100 * 1024)]);
    const file = { filename: "photo.png", size: bytes.length, contentType: "image/png" };
    const { session } = (await (await post(instances[0] as Handler, "sessions", { file })).json()) as { session: string };
    const put = (handler: Handler) =>
      handler(
        new Request("http://app.example/uploads/file", {
          method: "PUT",
          headers: { "x-uploadkit-session": session },
          body: bytes,
        }),
      );
    const before = sandbox.flowkiwi.finished().length;
    const first = await put(instances[1] as Handler);
    expect(first.status).toBe(200);
    expect(await first.json()).toMatchObject({ serverData: 1 });
    expect((await put(instances[2] as Handler)).status).toBe(409);
    expect((await put(instances[0] as Handler)).status).toBe(409);
    expect(sandbox.flowkiwi.finished().length - before).toBe(1);
    expect(hooks).toBe(1);
  });

  it("an aborted session's token is refused by every instance", async () => {
    const instances = [0, 1].map(() => createUploadRoute(record360(), { secret: SECRET, store: store() }));
    const file = { filename: "clip.mp4", size: 6 * MiB, contentType: "video/mp4" };
    const { session } = (await (await post(instances[0] as Handler, "sessions", { file })).json()) as { session: string };
    expect((await post(instances[1] as Handler, "targets", { session, partNumbers: [1] })).status).toBe(200);
    expect((await post(instances[0] as Handler, "abort", { session })).status).toBe(204);
    for (const handler of instances) {
      expect((await post(handler, "targets", { session, partNumbers: [1] })).status).toBe(404);
      expect((await post(handler, "abort", { session })).status).toBe(404);
    }
  });

  it("onUploadComplete throws: a typed error with a code and the provider's id; the id is in the route's log line", async () => {
    const lines: string[] = [];
    const logger: Logger = {
      debug: () => {},
      info: () => {},
      warn: (line) => lines.push(line),
      error: (line) => lines.push(line),
    };
    const client = createRecord360Client({
      baseUrl: sandbox.record360.baseUrl,
      token: sandbox.record360.credentials.token,
      logger,
    });
    const route = createUploadRoute(client, {
      secret: SECRET,
      onUploadComplete: () => {
        throw new Error("the database is down");
      },
    });
    const failure = await uploadThroughServer(new Blob([MP4_HEAD, randomBytes(1000)]), {
      endpoint: "http://app.example/uploads",
      filename: "clip.mp4",
      fetch: roundRobin([route]),
    }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(UploadRouteError);
    expect(failure).toMatchObject({ status: 500, code: "ROUTE_COMPLETE_HOOK_FAILED" });
    const id = (failure as UploadRouteError).id as string;
    expect(sandbox.record360.keyOf(id)).toBeDefined();
    expect(lines.some((line) => line.includes(id) && line.includes("the database is down"))).toBe(true);
  });

  it("keys rotate: a token sealed with the old key opens while it is listed, and is refused once it is removed", async () => {
    const file = { filename: "clip.mp4", size: 6 * MiB, contentType: "video/mp4" };
    const old = createUploadRoute(record360(), { secret: SECRET });
    const rotating = createUploadRoute(record360(), { secret: ["a brand new secret, first in the list", SECRET] });
    const rotated = createUploadRoute(record360(), { secret: ["a brand new secret, first in the list"] });
    const { session } = (await (await post(old, "sessions", { file })).json()) as { session: string };
    expect((await post(rotating, "targets", { session, partNumbers: [1] })).status).toBe(200);
    const refused = await post(rotated, "targets", { session, partNumbers: [1] });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ error: { code: "ROUTE_SESSION_INVALID" } });
    // A token the rotating route seals (with the new key) is opened by the rotated one.
    const fresh = (await (await post(rotating, "sessions", { file })).json()) as { session: string };
    expect((await post(rotated, "targets", { session: fresh.session, partNumbers: [1] })).status).toBe(200);
    expect(() => createUploadRoute(record360(), { secret: "short" })).toThrow(/16 bytes/);
  });

  it("expiry rides in the token: an expired session is refused by every instance", async () => {
    const route = createUploadRoute(record360(), { secret: SECRET, sessionTtlMs: 1 });
    const other = createUploadRoute(record360(), { secret: SECRET });
    const file = { filename: "clip.mp4", size: 6 * MiB, contentType: "video/mp4" };
    const { session } = (await (await post(route, "sessions", { file })).json()) as { session: string };
    await new Promise((resolve) => setTimeout(resolve, 5));
    for (const handler of [route, other]) {
      const answer = await post(handler, "targets", { session, partNumbers: [1] });
      expect(answer.status).toBe(404);
      expect(await answer.json()).toMatchObject({ error: { code: "ROUTE_SESSION_GONE" } });
    }
  });

  it("Redis unreachable: 503 ROUTE_STORE_UNAVAILABLE before any provider call, and nothing is half-done", async () => {
    const dead = redisStore({ url: `redis://127.0.0.1:${await freePort()}`, connectTimeoutMs: 500 });
    stores.push(dead);
    const route = createUploadRoute(record360(), { secret: SECRET, store: dead });
    const mark = sandbox.requests.length;
    const failure = await uploadThroughServer(new Blob([MP4_HEAD, randomBytes(1000)]), {
      endpoint: "http://app.example/uploads",
      filename: "clip.mp4",
      fetch: roundRobin([route]),
      retry: { maxAttempts: 1 },
    }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(UploadRouteError);
    expect(failure).toMatchObject({ status: 503, code: "ROUTE_STORE_UNAVAILABLE" });
    expect(sandbox.requests.slice(mark).filter((entry) => entry.server === "record360")).toEqual([]);
  });
});

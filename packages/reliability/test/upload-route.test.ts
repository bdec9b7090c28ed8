import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createFanvueClient } from "@uploadkit/fanvue";
import { createFlowkiwiClient } from "@uploadkit/flowkiwi";
import { AbortError, InputError, toNodeHandler, UploadRouteError, uploadThroughServer } from "@uploadkit/multipart";
import { createOfauthClient } from "@uploadkit/ofauth";
import { createRecord360Client, createUploadRoute } from "@uploadkit/record360";
import { type Sandbox, startSandbox } from "@uploadkit/sandbox";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { COMPLETE_CALLS, MP4_HEAD } from "./support/fixtures.js";

const MiB = 1024 * 1024;
const PNG = Buffer.from("89504e470d0a1a0a0000000d49484452", "hex");
let sandbox: Sandbox;
const servers: Server[] = [];

type Provider = "fanvue" | "ofauth" | "record360" | "flowkiwi";

const record360 = () => createRecord360Client({ baseUrl: sandbox.record360.baseUrl, token: sandbox.record360.credentials.token });

function clientFor(provider: Provider) {
  switch (provider) {
    case "fanvue":
      return createFanvueClient({ baseUrl: sandbox.fanvue.baseUrl, token: sandbox.fanvue.credentials.token });
    case "ofauth":
      return createOfauthClient({ baseUrl: sandbox.ofauth.baseUrl, ...sandbox.ofauth.credentials });
    case "record360":
      return createRecord360Client({ baseUrl: sandbox.record360.baseUrl, token: sandbox.record360.credentials.token });
    case "flowkiwi":
      return createFlowkiwiClient({ baseUrl: sandbox.flowkiwi.baseUrl, ...sandbox.flowkiwi.credentials });
  }
}

/** Serves `handler` on node:http under `/api/uploads` (Express-style: the prefix is kept in the URL). */
async function mount(handler: (request: Request) => Promise<Response>): Promise<string> {
  const node = toNodeHandler(handler);
  const server = createServer((req, res) => {
    if (!req.url?.startsWith("/api/uploads/")) return void res.writeHead(404).end();
    void node(req, res);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as { port: number }).port}/api/uploads`;
}

const providerCalls = (provider: Provider, mark: number) =>
  sandbox.requests.slice(mark).filter((entry) => entry.server === provider);
const completes = (provider: Provider, mark: number) =>
  providerCalls(provider, mark).filter((entry) => COMPLETE_CALLS[provider].test(`${entry.method} ${entry.url.split("?")[0]}`));

beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(async () => {
  for (const server of servers) await new Promise((resolve) => server.close(resolve));
  await sandbox?.stop();
});

describe("createUploadRoute + uploadThroughServer", () => {
  it.each([
    ["fanvue", 12 * MiB + 7, "direct"],
    ["record360", 12 * MiB + 7, "direct"],
    ["ofauth", 12 * MiB + 7, "relay"],
    ["flowkiwi", 300 * 1024, "relay"],
  ] as const)(
    "%s: the bytes arrive whole (SHA-256 at the store), the credential stays on the server (%s bytes, %s)",
    async (provider, size, mode) => {
      const head = provider === "flowkiwi" ? PNG : MP4_HEAD;
      const bytes = Buffer.concat([head, randomBytes(size - head.length)]);
      const client = clientFor(provider);
      const endpoint = await mount(
        createUploadRoute(client as never, {
          uploadOptions: provider === "fanvue" || provider === "record360" ? ({ partSize: 5 * MiB } as never) : undefined,
        }),
      );
      const seen: string[] = [];
      const capture = async (input: string | URL | Request, init?: RequestInit) => {
        const request = new Request(input, init);
        seen.push(`${request.method} ${request.url} ${JSON.stringify([...request.headers])}`);
        const response = await fetch(request);
        const text = await response.clone().text();
        seen.push(text);
        return response;
      };
      const result = await uploadThroughServer(new Blob([bytes]), {
        endpoint,
        filename: provider === "flowkiwi" ? "photo.png" : "clip.mp4",
        fetch: capture as typeof fetch,
      });
      expect(result).toMatchObject({ provider, size, contentType: provider === "flowkiwi" ? "image/png" : "video/mp4" });
      const key = sandbox[provider].keyOf(result.id) as string;
      expect(await sandbox.objectSha256(key)).toBe(createHash("sha256").update(bytes).digest("hex"));
      const secrets = provider === "ofauth" ? [sandbox.ofauth.credentials.apiKey] : [sandbox[provider].credentials.token];
      for (const line of seen) for (const secret of secrets) expect(line).not.toContain(secret);
      expect(seen.some((line) => line.includes(`"mode":"${mode}"`))).toBe(true);
    },
  );

  it("refuses before any provider call: not authorized (403), too large (413), wrong type (415), an option the page may not choose (400)", async () => {
    const endpoint = await mount(
      createUploadRoute(record360(), {
        authorize: (request) => request.headers.get("x-user") === "alice",
        maxSize: 1 * MiB,
        contentTypes: ["video/*"],
      }),
    );
    const mark = sandbox.requests.length;
    const small = new Blob([MP4_HEAD, randomBytes(1000)]);
    const cases: [Parameters<typeof uploadThroughServer>[1], Blob, number, string][] = [
      [{ endpoint }, small, 403, "ROUTE_FORBIDDEN"],
      [{ endpoint, headers: { "x-user": "alice" } }, new Blob([MP4_HEAD, randomBytes(2 * MiB)]), 413, "ROUTE_TOO_LARGE"],
      [{ endpoint, headers: { "x-user": "alice" }, contentType: "image/png" }, small, 415, "ROUTE_CONTENT_TYPE"],
      [{ endpoint, headers: { "x-user": "alice" }, uploadOptions: { fileId: "mine" } }, small, 400, "ROUTE_OPTION_REFUSED"],
    ];
    for (const [options, input, status, code] of cases) {
      const failure = await uploadThroughServer(input, { filename: "clip.mp4", ...options }).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(UploadRouteError);
      expect(failure).toMatchObject({ status, code });
    }
    expect(providerCalls("record360", mark)).toEqual([]);
    const allowed = await uploadThroughServer(small, { endpoint, filename: "clip.mp4", headers: { "x-user": "alice" } });
    expect(allowed.provider).toBe("record360");
  });

  it("checks the upload options as uploadMedia does: a misspelt server option or a page's value of the wrong kind is a 400", async () => {
    const misspelt = await mount(createUploadRoute(record360(), { uploadOptions: { partSzie: 5 * MiB } as never }));
    const open = await mount(createUploadRoute(record360(), { allowOptions: ["partCount"] }));
    const mark = sandbox.requests.length;
    const small = new Blob([MP4_HEAD, randomBytes(1000)]);
    for (const [endpoint, uploadOptions, code, named] of [
      [misspelt, undefined, "INPUT_UNKNOWN_OPTION", /unknown option partSzie/],
      [open, { partCount: "2" }, "INPUT_INVALID_NUMBER", /partCount must be a whole number ≥ 1, got a string\./],
      [open, 5, "ROUTE_OPTION_REFUSED", /The page's options must be an object\./],
    ] as const) {
      const failure = await uploadThroughServer(small, { endpoint, filename: "clip.mp4", uploadOptions } as never).catch(
        (error: unknown) => error,
      );
      expect(failure, JSON.stringify(uploadOptions)).toBeInstanceOf(UploadRouteError);
      expect(failure).toMatchObject({ status: 400, code, message: expect.stringMatching(named) });
    }
    expect(providerCalls("record360", mark)).toEqual([]);
  });

  it("a body it refuses unread closes its connection, so no later request waits behind the unread bytes", async () => {
    const endpoint = await mount(createUploadRoute(record360()));
    const { port } = new URL(endpoint);
    // Over the route's 64 KiB JSON limit, and only part of it sent: the route answers 413 without reading the rest.
    const socket = connect(Number(port), "127.0.0.1");
    const answer = new Promise<string>((resolve, reject) => {
      let text = "";
      socket.setEncoding("latin1");
      socket.on("data", (chunk: string) => {
        text += chunk;
      });
      socket.on("close", () => resolve(text));
      socket.on("error", reject);
    });
    socket.write(
      `POST /api/uploads/sessions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${4 * MiB}\r\n\r\n`,
    );
    socket.write("x".repeat(256 * 1024));
    const text = await answer;
    expect(text).toMatch(/^HTTP\/1\.1 413 /);
    expect(text).toMatch(/\r\nconnection: close\r\n/i);
    // A new connection is served as usual.
    const next = await fetch(`${endpoint}/targets`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ session: "forged", partNumbers: [1] }),
    });
    expect(next.status).toBe(403);
  });

  it("a forged, tampered, replayed or other session's token gets nothing", async () => {
    const endpoint = await mount(createUploadRoute(record360(), { uploadOptions: { partSize: 5 * MiB } }));
    const post = (step: string, body: unknown) =>
      fetch(`${endpoint}/${step}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    const start = async () =>
      (await (await post("sessions", { file: { filename: "clip.mp4", size: 11 * MiB, contentType: "video/mp4" } })).json()) as {
        session: string;
        parts: { partNumber: number }[];
      };
    const mine = await start();
    const theirs = await start();
    expect(mine.parts).toHaveLength(3);
    const token = mine.session;
    const middle = Math.floor(token.length / 2);
    const tampered = `${token.slice(0, middle)}${token[middle] === "A" ? "B" : "A"}${token.slice(middle + 1)}`;
    for (const token of ["", "x.y", tampered, mine.session.slice(1), `${mine.session}AA`, "A".repeat(80)]) {
      const answer = await post("targets", { session: token, partNumbers: [1] });
      expect(answer.status).toBe(403);
    }
    expect((await post("targets", { session: mine.session, partNumbers: [4] })).status).toBe(400);
    const targets = (await (await post("targets", { session: mine.session, partNumbers: [1, 2, 3] })).json()) as {
      targets: { url: string; headers: Record<string, string> }[];
    };
    expect(targets.targets).toHaveLength(3);
    for (const target of targets.targets) expect(JSON.stringify(target)).not.toContain(sandbox.record360.credentials.token);
    // Another session's token cannot complete this one, and an aborted session is gone for good.
    expect((await post("complete", { session: theirs.session, parts: [{ partNumber: 1, etag: '"x"' }] })).status).toBe(400);
    expect((await post("abort", { session: mine.session })).status).toBe(204);
    expect((await post("targets", { session: mine.session, partNumbers: [1] })).status).toBe(404);
    expect((await post("abort", { session: mine.session })).status).toBe(404);
  });

  it("refuses a misspelt or mistyped option when the route is made, and an endpoint that is no http(s) URL before any call", async () => {
    const secret = "a-secret-of-at-least-sixteen-bytes";
    for (const [options, named] of [
      [{ secret, authorise: () => true }, /does not know the option authorise; it takes secret, authorize, /],
      [{ secret, maxSize: "10MB" }, /maxSize must be a whole number ≥ 0, got "10MB"/],
      [{ secret, maxSize: -1 }, /maxSize must be a whole number ≥ 0, got -1/],
      [{ secret, contentTypes: "video/*" }, /contentTypes must be a list of MIME types or type\/\* patterns/],
      [{ secret, contentTypes: ["video"] }, /contentTypes must be a list/],
      [{ secret, authorize: true }, /authorize must be a function/],
      [{ secret, onUploadComplete: "notify" }, /onUploadComplete must be a function/],
      [{ secret, uploadOptions: "fast" }, /uploadOptions must be an object/],
      [{ secret, allowOptions: "partSize" }, /allowOptions must be a list/],
      [{ secret, relay: "yes" }, /relay must be true or false/],
      [{ secret, store: {} }, /store must be an UploadRouteStore/],
      [{ secret, sessionTtlMs: 0 }, /sessionTtlMs must be a whole number ≥ 1/],
      [{ secret, maxSessions: 1.5 }, /maxSessions must be a whole number ≥ 1/],
    ] as const) {
      const made = (() => {
        try {
          return createUploadRoute(record360(), options as never);
        } catch (error) {
          return error;
        }
      })();
      expect(made, JSON.stringify(options)).toBeInstanceOf(InputError);
      expect(made).toMatchObject({ code: "INPUT_ROUTE_OPTIONS", message: expect.stringMatching(named) });
    }
    expect(typeof createUploadRoute(record360(), { secret, maxSize: 0, contentTypes: ["video/*", "image/png"] })).toBe(
      "function",
    );

    const before = sandbox.requests.length;
    for (const [endpoint, shown] of [
      ["/api/uploads", '"/api/uploads"'],
      ["ftp://files.example/uploads", "one starting ftp:"],
      [undefined, '"undefined"'],
    ] as const) {
      const error = await uploadThroughServer(PNG, { endpoint } as never).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InputError);
      expect((error as Error).message).toBe(`endpoint must be an absolute http:// or https:// URL, got ${shown}.`);
    }
    expect(sandbox.requests.length).toBe(before);
  });

  it("serves its steps under any path, with the mount prefix kept or stripped, with no configuration of it", async () => {
    const route = createUploadRoute(record360());
    const start = (url: string) =>
      route(
        new Request(url, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ file: { filename: "clip.mp4", size: 1000, contentType: "video/mp4" } }),
        }),
      );
    for (const url of [
      "http://app.example/sessions",
      "http://app.example/api/v2/uploads/sessions",
      "http://app.example/x/y/z/sessions",
    ]) {
      expect((await start(url)).status).toBe(201);
    }
    expect((await route(new Request("http://app.example/api/uploads/unknown", { method: "POST" }))).status).toBe(404);
  });

  it("resumes from its checkpoint after the page lost its connection: only the unfinished parts are sent", async () => {
    const endpoint = await mount(createUploadRoute(record360(), { uploadOptions: { partSize: 5 * MiB } }));
    const dir = mkdtempSync(join(tmpdir(), "uploadkit-route-"));
    const bytes = Buffer.concat([MP4_HEAD, randomBytes(12 * MiB)]);
    const path = join(dir, "walkaround.mp4");
    writeFileSync(path, bytes);
    const checkpoint = join(dir, "checkpoint.json");
    const storeOrigin = new URL(sandbox.store.gatewayOrigin).origin;
    let stored = 0;
    const flaky = async (input: string | URL | Request, init?: RequestInit) => {
      const request = new Request(input, init);
      if (new URL(request.url).origin === storeOrigin && stored >= 1) throw new TypeError("fetch failed (the page went offline)");
      const response = await fetch(request);
      if (new URL(request.url).origin === storeOrigin && response.ok) stored++;
      return response;
    };
    const options = { endpoint, checkpoint, concurrency: 1, retry: { maxAttempts: 1 } };
    const lost = await uploadThroughServer(path, { ...options, fetch: flaky as typeof fetch }).catch((error: unknown) => error);
    expect(lost).toMatchObject({ name: "PartUploadError" });
    const sent: string[] = [];
    const counting = async (input: string | URL | Request, init?: RequestInit) => {
      const request = new Request(input, init);
      sent.push(`${request.method} ${request.url}`);
      return fetch(request);
    };
    const result = await uploadThroughServer(path, { ...options, fetch: counting as typeof fetch });
    expect(await sandbox.objectSha256(sandbox.record360.keyOf(result.id) as string)).toBe(
      createHash("sha256").update(bytes).digest("hex"),
    );
    expect(sent.filter((line) => line.startsWith(`PUT ${storeOrigin}`))).toHaveLength(2);
    expect(sent.filter((line) => line.endsWith("/sessions"))).toEqual([]);
    expect(sent.filter((line) => line.endsWith("/done"))).toHaveLength(2);
    expect(existsSync(checkpoint)).toBe(false);
    rmSync(dir, { recursive: true, force: true });
  });

  it("an abort in the page aborts the route's session: nothing completes, its token is dead", async () => {
    const endpoint = await mount(createUploadRoute(clientFor("fanvue"), { uploadOptions: { partSize: 5 * MiB } as never }));
    const mark = sandbox.requests.length;
    const controller = new AbortController();
    const bodies: string[] = [];
    const capture = async (input: string | URL | Request, init?: RequestInit) => {
      const request = new Request(input, init);
      if (request.method === "POST") bodies.push(await request.clone().text());
      return fetch(request);
    };
    const dir = mkdtempSync(join(tmpdir(), "uploadkit-route-"));
    const checkpoint = join(dir, "checkpoint.json");
    const failure = await uploadThroughServer(new Blob([MP4_HEAD, randomBytes(12 * MiB)]), {
      endpoint,
      filename: "clip.mp4",
      checkpoint,
      concurrency: 1,
      signal: controller.signal,
      fetch: capture as typeof fetch,
      onProgress: ({ partsDone }) => {
        if (partsDone >= 1) controller.abort();
      },
    }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(AbortError);
    expect(completes("fanvue", mark)).toEqual([]);
    // Its checkpoint could only be refused later (the session is gone): it is removed with the session.
    expect(existsSync(checkpoint)).toBe(false);
    rmSync(dir, { recursive: true, force: true });
    const aborted = bodies
      .map((body) => JSON.parse(body) as { session?: string })
      .find((body) => body.session && Object.keys(body).length === 1);
    expect(aborted?.session).toBeDefined();
    const after = await fetch(`${endpoint}/targets`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ session: aborted?.session, partNumbers: [2] }),
    });
    expect(after.status).toBe(404);
  });
});

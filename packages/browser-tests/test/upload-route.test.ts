import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createFanvueClient } from "@uploadkit/fanvue";
import { createFlowkiwiClient } from "@uploadkit/flowkiwi";
import { toNodeHandler } from "@uploadkit/multipart";
import { createOfauthClient } from "@uploadkit/ofauth";
import { createRecord360Client, createUploadRoute } from "@uploadkit/record360";
import { type Sandbox, startSandbox } from "@uploadkit/sandbox";
import { build } from "esbuild";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launchChromium } from "../src/chromium.js";

// A page on the server's own origin, with no credential in it, uploads through the server's routes to the sandbox
// (the store on another origin); every request the page makes and every answer it gets is captured and searched.

const MiB = 1024 * 1024;
const MP4_HEAD = Buffer.from("0000001c667479706d703432000000006d703432697336366d703431", "hex");
const PNG_HEAD = Buffer.from("89504e470d0a1a0a0000000d49484452", "hex");
type Provider = "fanvue" | "ofauth" | "record360" | "flowkiwi";

let work: string;
let sandbox: Sandbox;
let server: Server;
let origin: string;
let browser: Browser;
let page: Page;
const traffic: string[] = [];
/** Captures still being read (headers and bodies come asynchronously). */
const captured: Promise<void>[] = [];
const fixtures: Record<string, { path: string; sha256: string; size: number }> = {};

function fixture(name: string, bytes: Buffer) {
  const path = join(work, name);
  writeFileSync(path, bytes);
  fixtures[name] = { path, sha256: createHash("sha256").update(bytes).digest("hex"), size: bytes.length };
}
const NAMES = ["clip.mp4", "photo.png", "big.mp4"] as const;

function routes(): Record<Provider, (request: Request) => Promise<Response>> {
  const authorize = (request: Request) => request.headers.get("x-user") === "alice";
  const options = { authorize, maxSize: 20 * MiB, contentTypes: ["video/*", "image/*"] };
  return {
    fanvue: createUploadRoute(createFanvueClient({ baseUrl: sandbox.fanvue.baseUrl, token: sandbox.fanvue.credentials.token }), {
      ...options,
      uploadOptions: { partSize: 5 * MiB },
    }),
    record360: createUploadRoute(
      createRecord360Client({ baseUrl: sandbox.record360.baseUrl, token: sandbox.record360.credentials.token }),
      { ...options, uploadOptions: { partSize: 5 * MiB } },
    ),
    ofauth: createUploadRoute(createOfauthClient({ baseUrl: sandbox.ofauth.baseUrl, ...sandbox.ofauth.credentials }), options),
    flowkiwi: createUploadRoute(
      createFlowkiwiClient({ baseUrl: sandbox.flowkiwi.baseUrl, ...sandbox.flowkiwi.credentials }),
      options,
    ),
  };
}

const secrets = () => [
  sandbox.fanvue.credentials.token,
  sandbox.record360.credentials.token,
  sandbox.flowkiwi.credentials.token,
  sandbox.ofauth.credentials.apiKey,
  sandbox.ofauth.credentials.connectionId,
];

function upload(provider: Provider, name: (typeof NAMES)[number], options: Record<string, unknown> = {}) {
  return page.evaluate(
    async ({ provider, index, options }) => {
      const file = (document.getElementById("files") as HTMLInputElement).files?.[index] as File;
      const api = (
        globalThis as unknown as { routePage: { upload(p: string, f: Blob, o: unknown): Promise<Record<string, unknown>> } }
      ).routePage;
      return api.upload(provider, file, options);
    },
    { provider, index: NAMES.indexOf(name), options },
  );
}

const calls = (provider: Provider, mark: number) => sandbox.requests.slice(mark).filter((entry) => entry.server === provider);

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "uploadkit-route-"));
  fixture("clip.mp4", Buffer.concat([MP4_HEAD, randomBytes(12 * MiB)]));
  fixture("photo.png", Buffer.concat([PNG_HEAD, randomBytes(200 * 1024)]));
  fixture("big.mp4", Buffer.concat([MP4_HEAD, randomBytes(21 * MiB)]));
  await build({
    entryPoints: [join(inject("packedApp"), "route-page", "route-page.ts")],
    bundle: true,
    format: "esm",
    platform: "browser",
    outfile: join(work, "route-page.js"),
    logLevel: "silent",
  });
  sandbox = await startSandbox();
  const handlers = routes();
  server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    const match = /^\/api\/uploads\/(fanvue|ofauth|record360|flowkiwi)\//.exec(path);
    if (match) return void toNodeHandler(handlers[match[1] as Provider])(req, res);
    if (path === "/")
      return void res
        .writeHead(200, { "content-type": "text/html" })
        .end(
          '<!doctype html><meta charset="utf-8"><input id="files" type="file" multiple><script type="module" src="/route-page.js"></script>',
        );
    if (path === "/route-page.js")
      return void res.writeHead(200, { "content-type": "text/javascript" }).end(readFileSync(join(work, "route-page.js")));
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  browser = await launchChromium();
  page = await browser.newPage();
  const capture = (work: Promise<string>) => captured.push(work.then((line) => void traffic.push(line)).catch(() => {}));
  // Every request as sent; every answer once its body has arrived (requests that were aborted have none).
  page.on("request", (request) =>
    traffic.push(`${request.method()} ${request.url()} ${JSON.stringify(request.headers())} ${request.postData() ?? ""}`),
  );
  page.on("requestfinished", (request) =>
    capture(
      (async () => {
        const response = await request.response();
        if (!response) return "";
        const type = response.headers()["content-type"] ?? "";
        const body = /json|text|html|javascript|xml/.test(type) ? await response.text() : "";
        return `${response.status()} ${response.url()} ${JSON.stringify(response.headers())} ${body}`;
      })(),
    ),
  );
  await page.goto(`${origin}/`);
  await page.waitForSelector("body[data-ready=true]");
  await page.setInputFiles(
    "#files",
    NAMES.map((name) => fixtures[name]?.path as string),
  );
});

afterAll(async () => {
  await Promise.all(captured);
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
  await sandbox?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe("server signs, browser sends: uploadThroughServer from a page with no credential", () => {
  it.each([
    ["fanvue", "clip.mp4"],
    ["record360", "clip.mp4"],
    ["ofauth", "clip.mp4"],
    ["flowkiwi", "photo.png"],
  ] as const)("%s: uploads %s through the route, bytes verified by SHA-256 at the store", async (provider, name) => {
    const outcome = await upload(provider, name, { user: "alice" });
    expect(outcome).toMatchObject({ ok: true, provider, size: fixtures[name]?.size });
    const key = sandbox[provider].keyOf(outcome.id as string) as string;
    expect(await sandbox.objectSha256(key)).toBe(fixtures[name]?.sha256);
  });

  it("refuses before any provider call: not authorized 403, too large 413, a type the route does not take 415", async () => {
    const mark = sandbox.requests.length;
    expect(await upload("record360", "clip.mp4")).toMatchObject({ ok: false, name: "UploadRouteError", status: 403 });
    expect(await upload("record360", "big.mp4", { user: "alice" })).toMatchObject({ ok: false, status: 413 });
    expect(await upload("record360", "clip.mp4", { user: "alice", contentType: "application/pdf" })).toMatchObject({
      ok: false,
      status: 415,
    });
    expect(calls("record360", mark)).toEqual([]);
  });

  it("a forged or tampered session token is refused", async () => {
    const statuses = await page.evaluate(async () => {
      const post = (step: string, body: unknown) =>
        fetch(`/api/uploads/fanvue/${step}`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(body),
        });
      const forged = await post("targets", {
        session: "AAAAAAAAAAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        partNumbers: [1],
      });
      const started = await (
        await fetch("/api/uploads/fanvue/sessions", {
          method: "POST",
          headers: { "content-type": "application/json", "x-user": "alice" },
          body: JSON.stringify({ file: { filename: "a.mp4", size: 11 * 1024 * 1024, contentType: "video/mp4" } }),
        })
      ).json();
      const [id, signature] = (started.session as string).split(".");
      const tampered = await post("complete", { session: `${id}x.${signature}`, parts: [] });
      const outOfPlan = await post("targets", { session: started.session, partNumbers: [9] });
      return [forged.status, tampered.status, outOfPlan.status];
    });
    expect(statuses).toEqual([403, 403, 400]);
  });

  it("an abort in the page aborts the session: nothing is completed", async () => {
    const mark = sandbox.requests.length;
    const outcome = await upload("fanvue", "clip.mp4", { user: "alice", concurrency: 1, abortAfterParts: 1 });
    expect(outcome).toMatchObject({ ok: false, name: "AbortError" });
    expect(calls("fanvue", mark).filter((entry) => entry.method === "PATCH")).toEqual([]);
    await Promise.all(captured);
    expect(traffic.some((line) => /^POST .*\/api\/uploads\/fanvue\/abort /.test(line))).toBe(true);
  });

  it("no credential appears in any request the page made or any answer it received", async () => {
    await Promise.all(captured);
    expect(traffic.length).toBeGreaterThan(20);
    for (const line of traffic) for (const secret of secrets()) expect(line).not.toContain(secret);
  });
});

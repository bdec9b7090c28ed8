import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Sandbox, startSandbox } from "@uploadkit/sandbox";
import { type RedisServer, startRedisServer } from "@uploadkit/testkit";
import { build } from "esbuild";
import { Redis } from "ioredis";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launchChromium } from "../src/chromium.js";
import { type AppInstance, type RoundRobin, startInstance, startRoundRobin } from "../src/instances.js";

// Three instances of one app (each its own process, from the packed packages), sharing only the secret and Redis,
// behind a balancer that sends every request to the next instance. A page in Chromium uploads through them.

const MiB = 1024 * 1024;
const MP4_HEAD = Buffer.from("0000001c667479706d703432000000006d703432697336366d703431", "hex");
const PNG_HEAD = Buffer.from("89504e470d0a1a0a0000000d49484452", "hex");
const EXECUTABLE = Buffer.concat([Buffer.from("7f454c46020101000000000000000000", "hex"), randomBytes(64 * 1024)]);
const NAMES = ["clip.mp4", "photo.png", "big.mp4"] as const;

let work: string;
let sandbox: Sandbox;
let redis: RedisServer;
let instances: AppInstance[] = [];
let balancer: RoundRobin;
let browser: Browser;
let page: Page;
const fixtures: Record<string, { path: string; sha256: string; size: number }> = {};

function fixture(name: string, bytes: Buffer) {
  const path = join(work, name);
  writeFileSync(path, bytes);
  fixtures[name] = { path, sha256: createHash("sha256").update(bytes).digest("hex"), size: bytes.length };
}

function upload(endpoint: string, name: (typeof NAMES)[number], options: Record<string, unknown> = {}) {
  return page.evaluate(
    async ({ endpoint, index, options }) => {
      const file = (document.getElementById("files") as HTMLInputElement).files?.[index] as File;
      const api = (
        globalThis as unknown as { routePage: { upload(p: string, f: Blob, o: unknown): Promise<Record<string, unknown>> } }
      ).routePage;
      return api.upload(endpoint, file, options);
    },
    { endpoint, index: NAMES.indexOf(name), options },
  );
}

async function openPage() {
  page = await browser.newPage();
  await page.goto(`${balancer.origin}/`);
  await page.waitForSelector("body[data-ready=true]");
  await page.setInputFiles(
    "#files",
    NAMES.map((name) => fixtures[name]?.path as string),
  );
}

/** A hostile page's own calls: start a session declaring `file`, then send `bytes` its own way. */
function hostile(endpoint: string, file: { filename: string; size: number; contentType: string }, bytes: number[], how: string) {
  return page.evaluate(
    async ({ endpoint, file, bytes, how }) => {
      const headers = { "content-type": "application/json", "x-user": "alice" };
      const post = async (step: string, body: unknown) => {
        const answer = await fetch(`/api/uploads/${endpoint}/${step}`, { method: "POST", headers, body: JSON.stringify(body) });
        return { status: answer.status, body: await answer.json().catch(() => undefined) };
      };
      const started = await post("sessions", { file });
      if (started.status !== 201) return started;
      const { session, parts } = started.body as { session: string; parts: { partNumber: number }[] };
      const body = new Uint8Array(
        bytes.length > 1000 ? bytes : Array.from({ length: 3 * 1024 * 1024 }, (_, i) => bytes[i % bytes.length] as number),
      );
      if (how === "relay") {
        const url = `/api/uploads/${endpoint}/${parts.length === 0 ? "file" : "parts/1"}`;
        const answer = await fetch(url, { method: "PUT", headers: { "x-uploadkit-session": session }, body });
        return { status: answer.status, body: await answer.json().catch(() => undefined) };
      }
      // Direct: the page sends other bytes to the presigned URL than it declared, then completes.
      const targets = await post("targets", { session, partNumbers: parts.map((part) => part.partNumber) });
      const stored: { partNumber: number; etag: string }[] = [];
      for (const target of (targets.body as { targets: { partNumber: number; url: string; headers: Record<string, string> }[] })
        .targets) {
        const answer = await fetch(target.url, { method: "PUT", headers: target.headers, body });
        stored.push({ partNumber: target.partNumber, etag: answer.headers.get("etag") ?? "" });
      }
      return post("complete", { session, parts: stored });
    },
    { endpoint, file, bytes, how },
  );
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "uploadkit-instances-"));
  fixture("clip.mp4", Buffer.concat([MP4_HEAD, randomBytes(12 * MiB)]));
  fixture("photo.png", Buffer.concat([PNG_HEAD, randomBytes(200 * 1024)]));
  fixture("big.mp4", Buffer.concat([MP4_HEAD, randomBytes(21 * MiB)]));
  const app = inject("packedApp");
  const pageScript = join(work, "route-page.js");
  await build({
    entryPoints: [join(app, "route-page", "route-page.ts")],
    bundle: true,
    format: "esm",
    platform: "browser",
    outfile: pageScript,
    logLevel: "silent",
  });
  [sandbox, redis] = await Promise.all([startSandbox(), startRedisServer()]);
  const config = {
    secret: ["a secret every instance shares, 32+ bytes long"],
    redisUrl: redis.url,
    pageScript,
    sandbox: {
      fanvue: { baseUrl: sandbox.fanvue.baseUrl, token: sandbox.fanvue.credentials.token },
      record360: { baseUrl: sandbox.record360.baseUrl, token: sandbox.record360.credentials.token },
      ofauth: { baseUrl: sandbox.ofauth.baseUrl, ...sandbox.ofauth.credentials },
      flowkiwi: { baseUrl: sandbox.flowkiwi.baseUrl, credentials: sandbox.flowkiwi.credentials },
    },
  };
  instances = await Promise.all([0, 1, 2].map((index) => startInstance(app, index, config)));
  balancer = await startRoundRobin(instances);
  browser = await launchChromium();
  await openPage();
});

afterAll(async () => {
  await browser?.close();
  await balancer?.close();
  await Promise.all(instances.map((instance) => instance.stop()));
  await Promise.all([sandbox?.stop(), redis?.stop()]);
  if (work) rmSync(work, { recursive: true, force: true });
});

/** How many times the app's hook ran for an upload, across every instance (the app counts in Redis). */
async function hookCalls(provider: string, id: string): Promise<number> {
  const client = new Redis(redis.url);
  const value = await client.get(`app:hook:${provider}:${id}`);
  client.disconnect();
  return Number(value ?? 0);
}

describe("upload routes on three instances behind a round-robin balancer (Redis store, shared secret)", () => {
  it.each([
    ["fanvue", "clip.mp4"],
    ["record360", "clip.mp4"],
    ["ofauth", "clip.mp4"],
    ["flowkiwi", "photo.png"],
  ] as const)(
    "%s: %s arrives whole (SHA-256 at the store); the hook ran once and its serverData reached the page",
    async (provider, name) => {
      const mark = balancer.served.length;
      const outcome = await upload(provider, name, { user: "alice" });
      expect(outcome).toMatchObject({ ok: true, provider, size: fixtures[name]?.size });
      expect(await sandbox.objectSha256(sandbox[provider].keyOf(outcome.id as string) as string)).toBe(fixtures[name]?.sha256);
      expect(outcome.serverData).toMatchObject({ user: "alice", id: outcome.id, calls: 1, filename: name });
      expect(await hookCalls(provider, outcome.id as string)).toBe(1);
      // Its requests were served by more than one instance.
      expect(new Set(balancer.served.slice(mark).map((entry) => entry.index)).size).toBeGreaterThan(1);
    },
  );

  it("an instance SIGKILLed in the middle of a multi-part upload: the upload completes through the others", async () => {
    const mark = sandbox.requests.length;
    const running = upload("fanvue", "big.mp4", { user: "alice", concurrency: 1 });
    for (let waited = 0; waited < 600; waited++) {
      const stored = sandbox.requests.slice(mark).filter((entry) => entry.server === "store" && entry.method === "PUT");
      if (stored.length >= 1) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    instances[1]?.kill();
    const outcome = await running;
    expect(outcome).toMatchObject({ ok: true, provider: "fanvue", size: fixtures["big.mp4"]?.size });
    expect(await sandbox.objectSha256(sandbox.fanvue.keyOf(outcome.id as string) as string)).toBe(fixtures["big.mp4"]?.sha256);
    expect(await hookCalls("fanvue", outcome.id as string)).toBe(1);
  });

  it("a page reloaded in the middle resumes its session from the checkpoint, on whichever instance answers", async () => {
    const mark = sandbox.requests.length;
    const running = upload("record360", "big.mp4", { user: "alice", concurrency: 1, checkpoint: "big-upload" }).catch(
      () => undefined,
    );
    for (let waited = 0; waited < 600; waited++) {
      const stored = sandbox.requests.slice(mark).filter((entry) => entry.server === "store" && entry.method === "PUT");
      if (stored.length >= 2) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await page.reload();
    await running;
    await page.waitForSelector("body[data-ready=true]");
    await page.setInputFiles(
      "#files",
      NAMES.map((name) => fixtures[name]?.path as string),
    );
    const before = sandbox.requests.length;
    const outcome = await upload("record360", "big.mp4", { user: "alice", concurrency: 1, checkpoint: "big-upload" });
    expect(outcome).toMatchObject({ ok: true, provider: "record360" });
    expect(await sandbox.objectSha256(sandbox.record360.keyOf(outcome.id as string) as string)).toBe(fixtures["big.mp4"]?.sha256);
    const resent = sandbox.requests.slice(before).filter((entry) => entry.server === "store" && entry.method === "PUT");
    expect(resent.length).toBeLessThan(5);
    expect(
      sandbox.requests
        .slice(before)
        .some((entry) => entry.server === "record360" && entry.url.includes("multipart_upload_start")),
    ).toBe(false);
  });

  it("declarations hold against a hostile page: more bytes than declared, or an executable declared as an image", async () => {
    const mark = sandbox.requests.length;
    const mp4 = [...MP4_HEAD, ...randomBytes(2048)];
    const png = [...PNG_HEAD, ...randomBytes(2048)];
    const small = { filename: "a.mp4", size: 1 * MiB, contentType: "video/mp4" };
    const image = { filename: "a.png", size: EXECUTABLE.length, contentType: "image/png" };
    // Direct (Record360): the store takes 3 MiB at the presigned URL; Record360's complete says so; refused.
    const direct = await hostile("record360", small, mp4, "direct");
    expect(direct).toMatchObject({ status: 422, body: { error: { code: "ROUTE_DECLARATION_MISMATCH" } } });
    // Relayed: the route counts the bytes (Fanvue with relay: true, OFAuth, Flowkiwi) …
    for (const endpoint of ["fanvue-relay", "ofauth", "flowkiwi"]) {
      const declared = endpoint === "flowkiwi" ? { ...small, filename: "a.png", contentType: "image/png" } : small;
      const result = await hostile(endpoint, declared, endpoint === "flowkiwi" ? png : mp4, "relay");
      expect(result, endpoint).toMatchObject({ status: 413, body: { error: { code: "ROUTE_BODY_SIZE" } } });
      // … and reads the first bytes: an ELF executable declared image/png is refused before any byte goes on.
      const exe = await hostile(endpoint, image, [...EXECUTABLE], "relay");
      expect(exe, endpoint).toMatchObject({ status: 415, body: { error: { code: "ROUTE_CONTENT_MISMATCH" } } });
    }
    const stored = sandbox.requests.slice(mark).filter((entry) => entry.server === "flowkiwi" && entry.method === "POST");
    expect(stored).toEqual([]);
  });
});

describe("the first upload's page again", () => {
  it("uploads after all that (the page and the instances left are healthy)", async () => {
    const outcome = await upload("ofauth", "photo.png", { user: "alice" });
    expect(outcome).toMatchObject({ ok: true, provider: "ofauth" });
  });
});

import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildPage, pageConfigFor, startPageServer } from "@uploadkit/example-browser-upload/server.mjs";
import { type Sandbox, startSandbox } from "@uploadkit/sandbox";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launchChromium } from "../src/chromium.js";
import type { ExamplePage, Outcome, Progress, Provider } from "../src/page-api.js";

const EXAMPLE = new URL("../../../examples/browser-upload/", import.meta.url).pathname;
const MiB = 1024 * 1024;

let work: string;
let sandbox: Sandbox;
let pageServer: { origin: string; close(): Promise<void> };
let browser: Browser;
let page: Page;
let bundled: string[];
const files: Record<string, { path: string; sha256: string; size: number }> = {};

function fixture(name: string, bytes: Buffer) {
  const path = join(work, name);
  writeFileSync(path, bytes);
  files[name] = { path, sha256: createHash("sha256").update(bytes).digest("hex"), size: bytes.length };
}

/** The page's `<input id=fixtures>` holds the suite's files (picked as a person picks them); the i-th is `fixtures[i]`. */
const FIXTURES = ["clip.mp4", "other.mp4", "photo.png"] as const;

async function openPage(on: Page = page, origin = pageServer.origin): Promise<void> {
  await on.goto(`${origin}/`);
  await on.waitForSelector("body[data-ready=true]");
  await on.evaluate(() => {
    const input = document.createElement("input");
    input.type = "file";
    input.multiple = true;
    input.id = "fixtures";
    document.body.append(input);
  });
  await on.setInputFiles(
    "#fixtures",
    FIXTURES.map((name) => files[name]?.path as string),
  );
}

type RunOptions = {
  checkpoint?: string;
  concurrency?: number;
  partSize?: number;
  abortAfterParts?: number;
  stallTimeoutMs?: number;
};

/** Uploads fixture `name` from the page; returns the outcome and every progress event. */
function uploadFromPage(provider: Provider, name: (typeof FIXTURES)[number], options: RunOptions = {}, on: Page = page) {
  return on.evaluate(
    async ({ provider, index, options }) => {
      const { example } = globalThis as unknown as { example: ExamplePage };
      const file = (document.getElementById("fixtures") as HTMLInputElement).files?.[index] as File;
      const events: Progress[] = [];
      const controller = new AbortController();
      const { abortAfterParts, ...rest } = options;
      const outcome = await example.upload(provider, file, {
        ...rest,
        signal: controller.signal,
        onProgress: (progress) => {
          events.push({ ...progress });
          if (abortAfterParts !== undefined && progress.partsDone >= abortAfterParts) controller.abort();
        },
      });
      return { outcome, events };
    },
    { provider, index: FIXTURES.indexOf(name), options },
  );
}

async function storedSha256(provider: Provider, outcome: Outcome, at: Sandbox = sandbox): Promise<string> {
  if (!outcome.ok) throw new Error(`upload failed: ${outcome.name}: ${outcome.message}`);
  const key = at[provider].keyOf(outcome.id);
  if (!key) throw new Error(`${provider} has no stored object for ${outcome.id}`);
  return at.objectSha256(key);
}

/** A sandbox of its own (with chaos), its page server and a page open on it; closed by `stop`. */
async function sessionWith(options: Parameters<typeof startSandbox>[0], headers: Record<string, string> = {}) {
  const own = await startSandbox(options);
  const server = await startPageServer({ root: join(work, "page"), config: () => pageConfigFor(own), headers });
  const tab = await browser.newPage();
  await openPage(tab, server.origin);
  return {
    sandbox: own,
    page: tab,
    stop: async () => {
      await tab.close();
      await server.close();
      await own.stop();
    },
  };
}

const requestsSince = (mark: number, at: Sandbox = sandbox) => at.requests.slice(mark);
const partPuts = (mark: number) =>
  requestsSince(mark).filter((entry) => entry.server === "store" && entry.method === "PUT" && entry.url.includes("partNumber="));
const completeCalls = (mark: number, at: Sandbox = sandbox) =>
  requestsSince(mark, at).filter(
    (entry) =>
      entry.server !== "store" && (/complete/i.test(entry.url) || (entry.server === "fanvue" && entry.method === "PATCH")),
  );

function expectProgressToTotal(events: Progress[], total: number) {
  expect(events.length).toBeGreaterThan(1);
  for (const [index, event] of events.entries()) {
    expect(event.total).toBe(total);
    if (index > 0) expect(event.partsDone).toBeGreaterThanOrEqual((events[index - 1] as Progress).partsDone);
  }
  const last = events.at(-1) as Progress;
  expect(last.loaded).toBe(total);
  expect(last.partsDone).toBe(last.partsTotal);
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "uploadkit-browser-"));
  fixture("clip.mp4", Buffer.concat([Buffer.from("\0\0\0\x18ftypmp42", "latin1"), randomBytes(12 * MiB + 4321)]));
  fixture("other.mp4", Buffer.concat([Buffer.from("\0\0\0\x18ftypmp42", "latin1"), randomBytes(12 * MiB + 4321)]));
  fixture("photo.png", Buffer.concat([Buffer.from("89504e470d0a1a0a0000000d49484452", "hex"), randomBytes(300 * 1024)]));
  const metafile = await buildPage({ from: inject("packedApp"), outdir: join(work, "page") });
  bundled = Object.keys(metafile.inputs);
  sandbox = await startSandbox();
  pageServer = await startPageServer({ root: join(work, "page"), config: () => pageConfigFor(sandbox) });
  browser = await launchChromium();
  page = await browser.newPage();
  await openPage();
});

afterAll(async () => {
  await browser?.close();
  await pageServer?.close();
  await sandbox?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe("the packed packages, bundled by esbuild for the browser with no configuration", () => {
  it("resolve to the web runtime and hold no Node built-in or Node-only dependency", () => {
    expect(bundled.some((path) => /node_modules\/@uploadkit\/multipart\/dist\/web\/runtime\.js$/.test(path))).toBe(true);
    const nodeOnly = bundled.filter((path) =>
      /\/dist\/node\/|node_modules\/(undici|file-type|mime-types|mime-db)\/|^node:/.test(path),
    );
    expect(nodeOnly).toEqual([]);
  });
});

describe.each(["fanvue", "record360", "flowkiwi"] as const)("%s from a web page on another origin", (provider) => {
  const name = provider === "flowkiwi" ? "photo.png" : "clip.mp4";

  it("uploads a picked File, verified by SHA-256 at the store, with progress up to the total", async () => {
    const mark = sandbox.requests.length;
    const { outcome, events } = await uploadFromPage(provider, name, provider === "flowkiwi" ? {} : { partSize: 5 * MiB });
    expect(outcome).toMatchObject({ ok: true, provider, size: files[name]?.size });
    expect(await storedSha256(provider, outcome)).toBe(files[name]?.sha256);
    expectProgressToTotal(events, files[name]?.size as number);
    if (provider !== "flowkiwi") {
      expect((events.at(-1) as Progress).partsTotal).toBe(3);
      expect(partPuts(mark).filter((entry) => entry.status === 200)).toHaveLength(3);
      // The parts' MD5s were computed by the hashing Web Worker (a blob: module the engine starts), not the page.
      expect(page.workers().some((worker) => worker.url().startsWith("blob:"))).toBe(true);
    }
  });

  it("uploads from a module Web Worker", async () => {
    const { outcome, events } = await page.evaluate(
      async ({ provider, index }) => {
        const { example } = globalThis as unknown as { example: ExamplePage };
        const file = (document.getElementById("fixtures") as HTMLInputElement).files?.[index] as File;
        return example.uploadInWorker(provider, file);
      },
      { provider, index: FIXTURES.indexOf(name) },
    );
    expect(outcome).toMatchObject({ ok: true, provider });
    expect(await storedSha256(provider, outcome)).toBe(files[name]?.sha256);
    expect((events.at(-1) as Progress).loaded).toBe(files[name]?.size);
  });
});

describe("abort, integrity and resume in the page", () => {
  it("flowkiwi: abort rejects with an AbortError and creates no media", async () => {
    const mark = sandbox.requests.length;
    const { outcome } = await uploadFromPage("flowkiwi", "photo.png", { abortAfterParts: 0 });
    expect(outcome).toMatchObject({ ok: false, name: "AbortError" });
    const created = requestsSince(mark).filter(
      (entry) => entry.server === "flowkiwi" && entry.method === "POST" && entry.status === 201,
    );
    expect(created).toEqual([]);
  });

  it.each(["fanvue", "record360"] as const)("%s: abort rejects with an AbortError and completes nothing", async (provider) => {
    const mark = sandbox.requests.length;
    const { outcome } = await uploadFromPage(provider, "clip.mp4", { concurrency: 1, partSize: 5 * MiB, abortAfterParts: 1 });
    expect(outcome).toMatchObject({ ok: false, name: "AbortError" });
    expect(completeCalls(mark)).toEqual([]);
  });

  it.each(["fanvue", "record360"] as const)(
    "%s: a store that hides ETag from the page fails naming ETag and Access-Control-Expose-Headers, before completing",
    async (provider) => {
      const mark = sandbox.requests.length;
      sandbox.cors.exposeETag = false;
      try {
        const { outcome } = await uploadFromPage(provider, "clip.mp4", { partSize: 5 * MiB });
        expect(outcome.ok).toBe(false);
        expect(outcome.ok === false && outcome.message).toMatch(/ETag/);
        expect(outcome.ok === false && outcome.message).toMatch(/Access-Control-Expose-Headers/);
        expect(completeCalls(mark)).toEqual([]);
      } finally {
        sandbox.cors.exposeETag = true;
      }
    },
  );

  it("an API that does not answer the page's origin (no CORS) fails naming CORS and the origin to configure, sending nothing", async () => {
    const mark = sandbox.requests.length;
    sandbox.cors.enabled = false;
    try {
      const { outcome } = await uploadFromPage("fanvue", "clip.mp4", { partSize: 5 * MiB });
      expect(outcome).toMatchObject({ ok: false, code: "API_NETWORK" });
      expect(outcome.ok === false && outcome.message).toContain(`CORS refusal looks: ${sandbox.fanvue.baseUrl}`);
      expect(outcome.ok === false && outcome.message).toContain(pageServer.origin);
      expect(partPuts(mark)).toEqual([]);
    } finally {
      sandbox.cors.enabled = true;
    }
  });

  it.each(["fanvue", "record360"] as const)(
    "%s: checkpoint in IndexedDB — after a reload the same file resumes and sends only the parts that did not finish; another file under the key reuses nothing",
    async (provider) => {
      const key = `resume-${provider}`;
      const first = sandbox.requests.length;
      const aborted = await uploadFromPage(provider, "clip.mp4", {
        checkpoint: key,
        concurrency: 1,
        partSize: 5 * MiB,
        abortAfterParts: 1,
      });
      expect(aborted.outcome).toMatchObject({ ok: false, name: "AbortError" });
      const finished = partPuts(first).filter((entry) => entry.status === 200).length;
      expect(finished).toBeGreaterThanOrEqual(1);

      await page.reload();
      await openPage();
      const other = sandbox.requests.length;
      const refused = await uploadFromPage(provider, "other.mp4", { checkpoint: key, partSize: 5 * MiB });
      expect(refused.outcome).toMatchObject({ ok: false, code: "CHECKPOINT_SOURCE_CHANGED" });
      expect(partPuts(other)).toEqual([]);

      const second = sandbox.requests.length;
      const resumed = await uploadFromPage(provider, "clip.mp4", { checkpoint: key, concurrency: 1, partSize: 5 * MiB });
      expect(resumed.outcome).toMatchObject({ ok: true, provider });
      expect(await storedSha256(provider, resumed.outcome)).toBe(files["clip.mp4"]?.sha256);
      const sent = partPuts(second).filter((entry) => entry.status === 200);
      expect(sent.length).toBe(3 - finished);
      expect((resumed.events[0] as Progress).partsDone).toBe(finished);
    },
  );
});

describe("stores that misbehave, seen from the page", () => {
  it.each(["fanvue", "record360"] as const)(
    "%s: part answers of 500, 503 and dropped connections are retried and the bytes still arrive whole",
    async (provider) => {
      // One part at a time, so the seeded faults fall on the same attempts in every run.
      const chaotic = await sessionWith({ chaos: { rate: 0.4, kinds: ["500", "503", "reset"], scope: "parts", seed: 9 } });
      try {
        const { outcome } = await uploadFromPage(provider, "clip.mp4", { partSize: 5 * MiB, concurrency: 1 }, chaotic.page);
        expect(outcome).toMatchObject({ ok: true, provider });
        expect(await storedSha256(provider, outcome, chaotic.sandbox)).toBe(files["clip.mp4"]?.sha256);
        expect(chaotic.sandbox.chaos.total).toBeGreaterThan(0);
      } finally {
        await chaotic.stop();
      }
    },
  );

  it("a part whose store stops moving bytes is aborted by the stall watchdog and sent again", async () => {
    const stalling = await sessionWith({ chaos: { rate: 0.4, kinds: ["stall"], scope: "parts", seed: 9 } });
    try {
      const { outcome } = await uploadFromPage(
        "record360",
        "clip.mp4",
        { partSize: 5 * MiB, concurrency: 1, stallTimeoutMs: 1000 },
        stalling.page,
      );
      expect(outcome).toMatchObject({ ok: true, provider: "record360" });
      expect(await storedSha256("record360", outcome, stalling.sandbox)).toBe(files["clip.mp4"]?.sha256);
      expect(stalling.sandbox.chaos.injected.stall).toBeGreaterThan(0);
    } finally {
      await stalling.stop();
    }
  });

  it.each(["fanvue", "record360"] as const)(
    "%s: an ETag that is not the MD5 of the part (hashed in the page) fails with an IntegrityError and completes nothing",
    async (provider) => {
      const lying = await sessionWith({ chaos: { rate: 1, kinds: ["bad-etag"], scope: "parts" } });
      try {
        const { outcome } = await uploadFromPage(provider, "clip.mp4", { partSize: 5 * MiB }, lying.page);
        expect(outcome).toMatchObject({ ok: false, name: "IntegrityError", code: "PART_ETAG_MISMATCH" });
        expect(completeCalls(0, lying.sandbox)).toEqual([]);
      } finally {
        await lying.stop();
      }
    },
  );
});

describe("the client's other behaviours, in the page", () => {
  it("hashes on the page's own thread where no Web Worker may start (a CSP refusing blob: workers), and still checks every part", async () => {
    const strict = await sessionWith({ providers: ["record360"] }, { "content-security-policy": "worker-src 'self'" });
    try {
      const { outcome } = await uploadFromPage("record360", "clip.mp4", { partSize: 5 * MiB }, strict.page);
      expect(outcome).toMatchObject({ ok: true, provider: "record360" });
      expect(await storedSha256("record360", outcome, strict.sandbox)).toBe(files["clip.mp4"]?.sha256);
      expect(strict.page.workers().filter((worker) => worker.url().startsWith("blob:"))).toEqual([]);
      const lying = await sessionWith(
        { providers: ["record360"], chaos: { rate: 1, kinds: ["bad-etag"], scope: "parts" } },
        { "content-security-policy": "worker-src 'self'" },
      );
      try {
        const caught = await uploadFromPage("record360", "clip.mp4", { partSize: 5 * MiB }, lying.page);
        expect(caught.outcome).toMatchObject({ ok: false, code: "PART_ETAG_MISMATCH" });
      } finally {
        await lying.stop();
      }
    } finally {
      await strict.stop();
    }
  });

  it.each(["ArrayBuffer", "Uint8Array", "ReadableStream"] as const)(
    "uploads a%s (the File's bytes read in the page) in parts, verified",
    async (kind) => {
      const outcome = await page.evaluate(
        async ({ kind, index }) => {
          const { example } = globalThis as unknown as { example: ExamplePage };
          const file = (document.getElementById("fixtures") as HTMLInputElement).files?.[index] as File;
          const input =
            kind === "ArrayBuffer"
              ? await file.arrayBuffer()
              : kind === "Uint8Array"
                ? new Uint8Array(await file.arrayBuffer())
                : { stream: file.stream(), size: file.size, filename: "from-a-stream.mp4" };
          return example.upload("record360", input, { partSize: 5 * 1024 * 1024, contentType: "video/mp4" });
        },
        { kind, index: FIXTURES.indexOf("clip.mp4") },
      );
      expect(outcome).toMatchObject({ ok: true, provider: "record360", size: files["clip.mp4"]?.size });
      expect(await storedSha256("record360", outcome)).toBe(files["clip.mp4"]?.sha256);
    },
  );

  it("takes the name and type from the File, and the options override them", async () => {
    const picked = await uploadFromPage("flowkiwi", "photo.png");
    expect(picked.outcome).toMatchObject({ ok: true, contentType: "image/png" });
    const overridden = await page.evaluate(
      async ({ index }) => {
        const { example } = globalThis as unknown as { example: ExamplePage };
        const file = (document.getElementById("fixtures") as HTMLInputElement).files?.[index] as File;
        return example.upload("record360", file, { filename: "walkaround.mov", contentType: "video/quicktime" });
      },
      { index: FIXTURES.indexOf("clip.mp4") },
    );
    expect(overridden).toMatchObject({ ok: true, contentType: "video/quicktime" });
    expect(await storedSha256("record360", overridden)).toBe(files["clip.mp4"]?.sha256);
  });

  it("asks the token function again after a 401 (the token was rotated) and logs every step with no credential in a line", async () => {
    const before = sandbox.record360.credentials.token;
    const after = sandbox.rotateCredential("record360");
    const { outcome, lines } = await page.evaluate(
      async ({ index }) => {
        const { example } = globalThis as unknown as { example: ExamplePage };
        const file = (document.getElementById("fixtures") as HTMLInputElement).files?.[index] as File;
        const lines: string[] = [];
        const outcome = await example.upload("record360", file, { partSize: 5 * 1024 * 1024, logLines: lines });
        return { outcome, lines };
      },
      { index: FIXTURES.indexOf("clip.mp4") },
    );
    expect(outcome).toMatchObject({ ok: true, provider: "record360" });
    expect(await storedSha256("record360", outcome)).toBe(files["clip.mp4"]?.sha256);
    expect(lines.some((line) => /answered 401: asking for fresh credentials/.test(line))).toBe(true);
    expect(lines.filter((line) => /^debug \[uploadkit\] part \d+: PUT .* → 2xx/.test(line)).length).toBe(3);
    for (const line of lines) {
      expect(line).not.toContain(before);
      expect(line).not.toContain(after);
      expect(line).not.toMatch(/X-Amz-Signature=/i);
    }
  });

  it.each(["fanvue", "record360"] as const)("%s: uploadMany sends several Files at once, each verified", async (provider) => {
    const outcomes = await page.evaluate(
      async ({ provider, indexes }) => {
        const { example } = globalThis as unknown as { example: ExamplePage };
        const picked = (document.getElementById("fixtures") as HTMLInputElement).files as FileList;
        return example.uploadMany(
          provider,
          indexes.map((index) => picked[index] as File),
        );
      },
      { provider, indexes: [FIXTURES.indexOf("clip.mp4"), FIXTURES.indexOf("other.mp4")] },
    );
    expect(outcomes).toHaveLength(2);
    expect(await storedSha256(provider, outcomes[0] as Outcome)).toBe(files["clip.mp4"]?.sha256);
    expect(await storedSha256(provider, outcomes[1] as Outcome)).toBe(files["other.mp4"]?.sha256);
  });
});

describe("many files with a journal", () => {
  it.each(["fanvue", "record360"] as const)(
    "%s: uploadEach with a journal sends each File once: the same Files again come back done, with no API call",
    async (provider) => {
      const run = () =>
        page.evaluate(
          async ({ provider, indexes }) => {
            const { example } = globalThis as unknown as { example: ExamplePage };
            const picked = (document.getElementById("fixtures") as HTMLInputElement).files as FileList;
            return example.uploadEachOnce(
              provider,
              indexes.map((index) => picked[index] as File),
            );
          },
          { provider, indexes: [FIXTURES.indexOf("clip.mp4"), FIXTURES.indexOf("other.mp4")] },
        );
      const first = await run();
      expect(first.map((o) => [o.ok, o.journal])).toEqual([
        [true, "uploaded"],
        [true, "uploaded"],
      ]);
      expect(await storedSha256(provider, first[0] as Outcome)).toBe(files["clip.mp4"]?.sha256);
      expect(await storedSha256(provider, first[1] as Outcome)).toBe(files["other.mp4"]?.sha256);
      const mark = sandbox.requests.length;
      const again = await run();
      expect(again.map((o) => [o.ok, o.journal, o.ok && o.id])).toEqual(first.map((o) => [true, "done", o.ok && o.id]));
      expect(sandbox.requests.slice(mark).filter((entry) => entry.server === provider)).toEqual([]);
    },
  );

  it("a page's bundle has no upload-route server: createUploadRoute refuses, naming the server", async () => {
    const refused = await page.evaluate(() => (globalThis as unknown as { example: ExamplePage }).example.routeInThisPage());
    expect(refused).toMatchObject({ ok: false, code: "INPUT_ROUTE_IN_PAGE" });
    expect(refused !== "created" && !refused.ok && refused.message).toMatch(/server/);
  });
});

describe("secrets", () => {
  it("createOfauthClient refuses the page unless dangerouslyAllowBrowser, pointing to the server", async () => {
    const refused = await page.evaluate(() =>
      (globalThis as unknown as { example: ExamplePage }).example.ofauthInThisPage(false),
    );
    expect(refused).toMatchObject({ ok: false, code: "INPUT_BROWSER_SECRET" });
    expect(refused !== "created" && !refused.ok && refused.message).toMatch(/server/);
    const allowed = await page.evaluate(() => (globalThis as unknown as { example: ExamplePage }).example.ofauthInThisPage(true));
    expect(allowed).toBe("created");
  });

  it("preflights ask for no User-Agent, and none to the store asks to send a credential", () => {
    const preflights = sandbox.requests.filter((entry) => entry.method === "OPTIONS");
    expect(preflights.some((entry) => entry.server === "store")).toBe(true);
    expect(preflights.some((entry) => entry.server !== "store")).toBe(true);
    for (const entry of preflights) {
      const asked = String(entry.headers["access-control-request-headers"] ?? "").toLowerCase();
      expect(asked).not.toContain("user-agent");
      if (entry.server === "store") expect(asked).not.toMatch(/authorization|api-key|x-connection-id|cookie/);
    }
  });

  it("no credential ever reached the store (every part request the page and its workers made)", () => {
    const tokens = [sandbox.fanvue.credentials.token, sandbox.record360.credentials.token, sandbox.flowkiwi.credentials.token];
    const toStore = sandbox.requests.filter((entry) => entry.server === "store");
    expect(toStore.length).toBeGreaterThan(10);
    for (const entry of toStore) {
      expect(entry.headers.authorization).toBeUndefined();
      const seen = `${entry.url} ${JSON.stringify(entry.headers)}`;
      for (const token of tokens) expect(seen).not.toContain(token);
    }
  });
});

describe("the example page, as a person uses it", () => {
  it("uploads a file picked in its input, shows the parts and the id (screenshot for the README)", async () => {
    await page.reload();
    await page.waitForSelector("body[data-ready=true]");
    await page.selectOption("#provider", "fanvue");
    await page.setInputFiles("#file", files["clip.mp4"]?.path as string);
    await page.waitForFunction(() => document.getElementById("status")?.textContent?.startsWith("Uploaded"));
    const status = (await page.textContent("#status")) ?? "";
    const id = /id: (\S+)/.exec(status)?.[1] ?? "";
    expect(await storedSha256("fanvue", { ok: true, id, size: 0, contentType: "", provider: "fanvue" })).toBe(
      files["clip.mp4"]?.sha256,
    );
    const boxes = await page.locator("#parts span").count();
    expect(boxes).toBeGreaterThanOrEqual(2);
    expect(await page.locator("#parts span.done").count()).toBe(boxes);
    await page.screenshot({
      path: process.env.UPLOADKIT_UPDATE_SCREENSHOT ? join(EXAMPLE, "screenshot.png") : join(work, "screenshot.png"),
      fullPage: true,
    });
  });
});

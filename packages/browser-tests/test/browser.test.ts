// The packed packages in Chromium through the example page: the bundle, uploads from the page and a Web Worker, abort,
// integrity and resume, misbehaving stores, and secrets (browser-behaviours.test.ts has the rest).
import { describe, expect, it } from "vitest";
import type { ExamplePage, Progress } from "../src/page-api.js";
import {
  bundled,
  completeCalls,
  describeStoreSecretsAudit,
  expectProgressToTotal,
  FIXTURES,
  files,
  MiB,
  openPage,
  page,
  pageServer,
  partPuts,
  requestsSince,
  sandbox,
  sessionWith,
  storedSha256,
  uploadFromPage,
} from "./support/example-page.js";

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
});

describeStoreSecretsAudit();

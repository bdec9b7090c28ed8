// The example page's other behaviours in Chromium: hashing without a Web Worker, names and types, token rotation and
// logs, many files with a journal, and the page as a person uses it (browser.test.ts has uploads, aborts and secrets).
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { ExamplePage, Outcome } from "../src/page-api.js";
import {
  describeStoreSecretsAudit,
  EXAMPLE,
  FIXTURES,
  files,
  MiB,
  page,
  sandbox,
  sessionWith,
  storedSha256,
  uploadFromPage,
  work,
} from "./support/example-page.js";

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

  it("sends each part of a File as a Blob without opening a stream of it on the page's thread (the worker reads it)", async () => {
    // Blob.slice and Blob.stream are synchronous calls to the browser process: none is made for a stream never read.
    await page.evaluate(() => {
      const counted = globalThis as unknown as { pageStreams: number; nativeStream: Blob["stream"] };
      counted.pageStreams = 0;
      counted.nativeStream = Blob.prototype.stream;
      Blob.prototype.stream = function (this: Blob) {
        counted.pageStreams++;
        return counted.nativeStream.call(this);
      };
    });
    try {
      const { outcome, events } = await uploadFromPage("record360", "clip.mp4", { partSize: 5 * MiB });
      expect(outcome).toMatchObject({ ok: true, provider: "record360" });
      expect(await storedSha256("record360", outcome)).toBe(files["clip.mp4"]?.sha256);
      expect(events.at(-1)?.partsTotal).toBeGreaterThan(1);
    } finally {
      const streams = await page.evaluate(() => {
        const counted = globalThis as unknown as { pageStreams: number; nativeStream: Blob["stream"] };
        Blob.prototype.stream = counted.nativeStream;
        return counted.pageStreams;
      });
      expect(streams).toBe(0);
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

  it("a page's bundle has no Fanvue token refresher: fanvueOAuthToken refuses, naming the server, and holds no secret", async () => {
    const refused = await page.evaluate(() =>
      (globalThis as unknown as { example: ExamplePage }).example.fanvueOAuthInThisPage(),
    );
    expect(refused).toMatchObject({ ok: false, name: "InputError", code: "INPUT_SECRET_IN_PAGE" });
    expect(refused !== "created" && !refused.ok && refused.message).toMatch(/runs on your server/);
    expect(refused !== "created" && !refused.ok && refused.message).not.toContain("never-in-a-page");
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

describeStoreSecretsAudit();

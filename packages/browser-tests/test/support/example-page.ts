// What the example-page suites share: the fixtures, the packed example page built once per file, its sandbox and
// page server, one Chromium with a page open on it, and helpers to upload from the page and check what the store holds.
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildPage, pageConfigFor, startPageServer } from "@uploadkit/example-browser-upload/server.mjs";
import { type Sandbox, startSandbox } from "@uploadkit/sandbox";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launchChromium } from "../../src/chromium.js";
import type { ExamplePage, Outcome, Progress, Provider } from "../../src/page-api.js";

export const EXAMPLE = new URL("../../../../examples/browser-upload/", import.meta.url).pathname;
export const MiB = 1024 * 1024;

export let work: string;
export let sandbox: Sandbox;
export let pageServer: { origin: string; close(): Promise<void> };
export let browser: Browser;
export let page: Page;
export let bundled: string[];
export const files: Record<string, { path: string; sha256: string; size: number }> = {};

export function fixture(name: string, bytes: Buffer) {
  const path = join(work, name);
  writeFileSync(path, bytes);
  files[name] = { path, sha256: createHash("sha256").update(bytes).digest("hex"), size: bytes.length };
}

/** The page's `<input id=fixtures>` holds the suite's files (picked as a person picks them); the i-th is `fixtures[i]`. */
export const FIXTURES = ["clip.mp4", "other.mp4", "photo.png"] as const;

export async function openPage(on: Page = page, origin = pageServer.origin): Promise<void> {
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

export type RunOptions = {
  checkpoint?: string;
  concurrency?: number;
  partSize?: number;
  abortAfterParts?: number;
  stallTimeoutMs?: number;
};

/** Uploads fixture `name` from the page; returns the outcome and every progress event. */
export function uploadFromPage(provider: Provider, name: (typeof FIXTURES)[number], options: RunOptions = {}, on: Page = page) {
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

export async function storedSha256(provider: Provider, outcome: Outcome, at: Sandbox = sandbox): Promise<string> {
  if (!outcome.ok) throw new Error(`upload failed: ${outcome.name}: ${outcome.message}`);
  const key = at[provider].keyOf(outcome.id);
  if (!key) throw new Error(`${provider} has no stored object for ${outcome.id}`);
  return at.objectSha256(key);
}

/** A sandbox of its own (with chaos), its page server and a page open on it; closed by `stop`. */
export async function sessionWith(options: Parameters<typeof startSandbox>[0], headers: Record<string, string> = {}) {
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

export const requestsSince = (mark: number, at: Sandbox = sandbox) => at.requests.slice(mark);
export const partPuts = (mark: number) =>
  requestsSince(mark).filter((entry) => entry.server === "store" && entry.method === "PUT" && entry.url.includes("partNumber="));
export const completeCalls = (mark: number, at: Sandbox = sandbox) =>
  requestsSince(mark, at).filter(
    (entry) =>
      entry.server !== "store" && (/complete/i.test(entry.url) || (entry.server === "fanvue" && entry.method === "PATCH")),
  );

export function expectProgressToTotal(events: Progress[], total: number) {
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

/** What reached the file's sandbox, checked once its tests ran: no credential asked for or sent to the store. */
export function describeStoreSecretsAudit(): void {
  describe("secrets in what the page sent", () => {
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
}

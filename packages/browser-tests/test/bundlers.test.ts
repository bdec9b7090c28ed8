import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { join } from "node:path";
import { type Sandbox, startSandbox } from "@uploadkit/sandbox";
import { countWorkerAnswers, type WorkerAnswers, workerAnswers } from "@uploadkit/testkit";
import type { Browser } from "playwright-core";
import { build as viteBuild } from "vite";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import webpack from "webpack";
import { launchChromium } from "../src/chromium.js";

// A web app as its developer writes it: one import of a provider package, built by Vite and by webpack with their
// defaults (no resolve conditions, aliases, polyfills or plugins), and by Vite for an older target, then run in
// Chromium for one upload.

const ENTRY = `import { fanvueOAuthToken } from "@uploadkit/fanvue";
import { createRecord360Client } from "@uploadkit/record360";
globalThis.refresherInPage = () => {
  try {
    fanvueOAuthToken({ refreshToken: "r", clientId: "app", clientSecret: "s" });
    return "created";
  } catch (error) {
    return error.code;
  }
};
globalThis.uploadWith = async (baseUrl, token, size) => {
  const bytes = new Uint8Array(size);
  for (let at = 0; at < size; at += 65536) crypto.getRandomValues(bytes.subarray(at, at + 65536));
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  const sha256 = Array.from(digest, (byte) => byte.toString(16).padStart(2, "0")).join("");
  const result = await createRecord360Client({ baseUrl, token }).uploadMedia(bytes, { contentType: "video/mp4" });
  return { id: result.id, sha256 };
};
`;
const HTML = `<!doctype html><html><head><meta charset="utf-8" /></head><body><script type="module" src="./main.js"></script></body></html>`;
const NODE_ONLY = /\bfrom\s*["']node:|require\(["']node:|worker_threads/;
/** The server's token refresher (it holds the app's client secret): never in a page's bundle. */
const REFRESHER = /grant_type:\s*["']refresh_token["']/;

let app: string;
let sandbox: Sandbox;
let browser: Browser;
const servers: Server[] = [];

async function serve(root: string): Promise<string> {
  const server = createServer((req, res) => {
    const name = (req.url ?? "/").split("?")[0]?.replace(/^\/+/, "") || "index.html";
    try {
      const body = readFileSync(join(root, name));
      res.writeHead(200, { "content-type": name.endsWith(".html") ? "text/html" : "text/javascript" }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}

interface PageUpload {
  stored: string;
  sent: string;
  refresher: string;
  /** What the page's hashing worker answered: digests, and errors (after which the page hashed on its own thread). */
  worker: WorkerAnswers;
}

/**
 * Loads the built app in Chromium and uploads 6 MiB made in the page; returns the stored and the sent SHA-256, what
 * Fanvue's token refresher does in the page, and what the hashing worker answered.
 */
async function uploadThrough(root: string, page: string): Promise<PageUpload> {
  const origin = await serve(root);
  const tab = await browser.newPage();
  await countWorkerAnswers(tab);
  try {
    await tab.goto(`${origin}/${page}`);
    await tab.waitForFunction(() => typeof (globalThis as { uploadWith?: unknown }).uploadWith === "function");
    const { id, sha256 } = await tab.evaluate(
      ([baseUrl, token]) =>
        (
          globalThis as unknown as {
            uploadWith: (b: string, t: string, size: number) => Promise<{ id: string; sha256: string }>;
          }
        ).uploadWith(baseUrl, token, 6 * 1024 * 1024),
      [sandbox.record360.baseUrl, sandbox.record360.credentials.token] as const,
    );
    const stored = await sandbox.objectSha256(sandbox.record360.keyOf(id) as string);
    const refresher = await tab.evaluate(() => (globalThis as unknown as { refresherInPage: () => string }).refresherInPage());
    return { stored, sent: sha256, refresher, worker: await workerAnswers(tab) };
  } finally {
    await tab.close();
  }
}

beforeAll(async () => {
  app = join(inject("packedApp"), "bundlers");
  mkdirSync(app, { recursive: true });
  writeFileSync(join(app, "main.js"), ENTRY);
  writeFileSync(join(app, "index.html"), HTML);
  sandbox = await startSandbox({ providers: ["record360"] });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  for (const server of servers) await new Promise((resolve) => server.close(resolve));
  await sandbox?.stop();
  if (app) rmSync(app, { recursive: true, force: true });
});

describe("the packed packages in other bundlers, with their defaults and for an older target", () => {
  // Vite's default target, and an older one an app for older browsers sets (syntax rewritten into helpers).
  it.each([undefined, "es2017"])(
    "Vite (build.target %s) builds the app with no Node module in it, and the page uploads",
    async (target) => {
      const outDir = join(app, `vite-dist-${target ?? "default"}`);
      await viteBuild({
        root: app,
        configFile: false,
        logLevel: "silent",
        build: { outDir, emptyOutDir: true, ...(target ? { target } : {}) },
      });
      const assets = readdirSync(join(outDir, "assets")).filter((name) => name.endsWith(".js"));
      expect(assets.length).toBeGreaterThan(0);
      for (const asset of assets) {
        const code = readFileSync(join(outDir, "assets", asset), "utf8");
        expect(code).not.toMatch(NODE_ONLY);
        expect(code).not.toMatch(REFRESHER);
      }
      const { stored, sent, refresher, worker } = await uploadThrough(outDir, "index.html");
      expect(stored).toBe(sent);
      // Fanvue's token refresher resolves to the page's refusal (package.json "imports", browser condition).
      expect(refresher).toBe("INPUT_SECRET_IN_PAGE");
      // Every part's MD5 came from the Web Worker's lanes, none from the page's thread after a worker's refusal.
      expect(worker).toEqual({ digests: expect.any(Number), errors: [] });
      expect(worker.digests).toBeGreaterThan(0);
    },
  );

  it("webpack builds the app with no Node module in it, and the page uploads", async () => {
    const outDir = join(app, "webpack-dist");
    const stats = await new Promise<webpack.Stats>((resolve, reject) =>
      webpack(
        { mode: "production", entry: join(app, "main.js"), output: { path: outDir, filename: "main.js" } },
        (error, result) => (error || !result ? reject(error) : resolve(result)),
      ),
    );
    expect(stats.hasErrors(), stats.toString("errors-only")).toBe(false);
    expect(readFileSync(join(outDir, "main.js"), "utf8")).not.toMatch(NODE_ONLY);
    expect(readFileSync(join(outDir, "main.js"), "utf8")).not.toMatch(REFRESHER);
    writeFileSync(join(outDir, "index.html"), HTML.replace('type="module" ', ""));
    const { stored, sent, refresher, worker } = await uploadThrough(outDir, "index.html");
    expect(stored).toBe(sent);
    // Fanvue's token refresher resolves to the page's refusal (package.json "imports", browser condition).
    expect(refresher).toBe("INPUT_SECRET_IN_PAGE");
    // Every part's MD5 came from the Web Worker's lanes, none from the page's thread after a worker's refusal.
    expect(worker).toEqual({ digests: expect.any(Number), errors: [] });
    expect(worker.digests).toBeGreaterThan(0);
  });
});

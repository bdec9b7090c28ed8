// Builds the page with esbuild (its default browser resolution: no configuration) and serves it, with the
// config.json the page reads, from an origin of its own on 127.0.0.1.
import { copyFileSync, mkdirSync, readFileSync } from "node:fs";
import { createServer } from "node:http";
import { join } from "node:path";
import { build } from "esbuild";

const HERE = new URL(".", import.meta.url).pathname;
const TYPES = { ".html": "text/html", ".js": "text/javascript", ".json": "application/json", ".png": "image/png" };

/**
 * Bundles app.ts and upload-worker.ts found in `from` (this folder, or a copy of it where the packages were
 * installed from their tarballs) into `outdir`, with index.html beside them. Returns esbuild's metafile.
 */
export async function buildPage({ from = HERE, outdir }) {
  mkdirSync(outdir, { recursive: true });
  const result = await build({
    entryPoints: [join(from, "app.ts"), join(from, "upload-worker.ts")],
    bundle: true,
    format: "esm",
    platform: "browser",
    outdir,
    metafile: true,
    logLevel: "silent",
  });
  copyFileSync(join(from, "index.html"), join(outdir, "index.html"));
  return result.metafile;
}

/**
 * Serves `root` and `/config.json` (`config`, or what `config()` gives now) on 127.0.0.1:`port` (default: a free
 * port), with `headers` on every answer (e.g. a Content-Security-Policy).
 */
export async function startPageServer({ root, config, port = 0, headers = {} }) {
  const server = createServer((req, res) => {
    for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
    const path = new URL(req.url ?? "/", "http://page.local").pathname;
    if (path === "/config.json") {
      res
        .writeHead(200, { "content-type": "application/json", "cache-control": "no-store" })
        .end(JSON.stringify(typeof config === "function" ? config() : config));
      return;
    }
    const file = path === "/" ? "index.html" : path.slice(1);
    if (file.includes("..") || file.includes("/")) {
      res.writeHead(404).end();
      return;
    }
    try {
      const body = readFileSync(join(root, file));
      res.writeHead(200, { "content-type": TYPES[file.slice(file.lastIndexOf("."))] ?? "application/octet-stream" }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise((resolve) => server.listen(port, "127.0.0.1", resolve));
  return {
    origin: `http://127.0.0.1:${server.address().port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** What the page's config.json holds for a sandbox: each provider's base URL and a user's token. */
export function pageConfigFor(sandbox) {
  return {
    fanvue: { baseUrl: sandbox.fanvue.baseUrl, token: sandbox.fanvue.credentials.token },
    record360: { baseUrl: sandbox.record360.baseUrl, token: sandbox.record360.credentials.token },
    flowkiwi: {
      baseUrl: sandbox.flowkiwi.baseUrl,
      token: sandbox.flowkiwi.credentials.token,
      organizationId: sandbox.flowkiwi.credentials.organizationId,
    },
  };
}

#!/usr/bin/env node
// The browser budget: each provider entry bundled for the browser by esbuild (its `browser` conditions, no
// configuration), minified and gzipped with its share of the engine, the generated client and openapi-fetch, must
// stay within BUDGET_BYTES and hold no Node built-in. Prints each figure; exits 1 past the budget.
// `--json` prints the figures as JSON too. Run after `pnpm build`.
import { gzipSync } from "node:zlib";
import { build } from "esbuild";
import { PROVIDERS } from "./lib/providers.mjs";

export const BUDGET_BYTES = 40 * 1024;

/** Bundles everything `@uploadkit/<provider>` exports, for `platform`, and measures it. */
export async function measureEntry(provider, { platform = "browser", conditions = [] } = {}) {
  const result = await build({
    stdin: {
      contents: `export * from "@uploadkit/${provider}";`,
      resolveDir: new URL(`../packages/${provider}/`, import.meta.url).pathname,
      loader: "js",
    },
    bundle: true,
    platform,
    conditions,
    format: "esm",
    minify: true,
    write: false,
    metafile: true,
    logLevel: "silent",
    target: "es2022",
  });
  const code = result.outputFiles[0].contents;
  const inputs = Object.keys(result.metafile.inputs);
  // What ended up in the bundle (an input read but tree-shaken away contributes no byte).
  const bundled = Object.entries(Object.values(result.metafile.outputs)[0].inputs)
    .filter(([, input]) => input.bytesInOutput > 0)
    .map(([path]) => path);
  // Node-only code, and the upload route's server (it holds the provider credential: never in a page's bundle).
  const nodeOnly = inputs.filter((path) => /(^|\/)(undici|file-type|mime-types|mime-db)\/|\/dist\/node\//.test(path));
  if (platform === "browser") nodeOnly.push(...bundled.filter((path) => /\/dist\/core\/route\/upload-route\.js$/.test(path)));
  const builtins = [...new TextDecoder().decode(code).matchAll(/\bfrom\s*"(node:[^"]+)"|require\("(node:[^"]+)"\)/g)].map(
    (match) => match[1] ?? match[2],
  );
  return { provider, minified: code.length, gzipped: gzipSync(code, { level: 9 }).length, nodeOnly, builtins };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  let failed = false;
  const rows = [];
  for (const provider of PROVIDERS) {
    const row = await measureEntry(provider);
    rows.push(row);
    const over = row.gzipped > BUDGET_BYTES;
    const impure = row.nodeOnly.length > 0 || row.builtins.length > 0;
    failed ||= over || impure;
    console.log(
      `${row.provider.padEnd(10)} ${(row.minified / 1024).toFixed(1).padStart(6)} KiB minified  ${(row.gzipped / 1024).toFixed(1).padStart(5)} KiB gzipped  (budget ${BUDGET_BYTES / 1024} KiB)${over ? "  OVER BUDGET" : ""}${impure ? `  NODE-ONLY: ${[...row.nodeOnly, ...row.builtins].join(", ")}` : ""}`,
    );
  }
  if (process.argv.includes("--json")) console.log(JSON.stringify(rows));
  if (failed) {
    console.error("bundle-size: a browser entry is over budget or pulls in Node-only code");
    process.exit(1);
  }
}

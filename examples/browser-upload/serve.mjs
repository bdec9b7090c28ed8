#!/usr/bin/env node
// `pnpm example:browser`: starts the sandbox, builds the page and serves it. Open the address it prints and drop a
// file. Ctrl-C stops both.
import { join } from "node:path";
import { startSandbox } from "@uploadkit/sandbox";
import { buildPage, pageConfigFor, startPageServer } from "./server.mjs";

const at = process.argv.indexOf("--port");
const port = at > 0 ? Number(process.argv[at + 1]) : 5173; // --port 0: any free port
const sandbox = await startSandbox();
const outdir = join(new URL(".", import.meta.url).pathname, ".page");
await buildPage({ outdir });
const page = await startPageServer({ root: outdir, config: () => pageConfigFor(sandbox), port });
console.log(`uploadkit browser example: ${page.origin}/ (the sandbox's APIs and store are on other origins)`);
const stop = async () => {
  await page.close();
  await sandbox.stop();
  process.exit(0);
};
process.once("SIGINT", stop);
process.once("SIGTERM", stop);

#!/usr/bin/env node
// Runs every TypeScript example in every package README against the sandbox, so an example that stops working
// fails the build. Each ```ts block is transpiled (TypeScript's transpileModule) and run by Node from inside its
// package (so the package imports itself as users import it), in a scratch folder holding the sample files the
// example names, with the provider credentials and `<PROVIDER>_BASE_URL` of a running sandbox in the environment.
// A block may use names an earlier block of the same README set up (`fanvue`, `media`, …): FIXTURES declares them.
// Usage: node scripts/readme-examples.mjs [package…]
import { execFile } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import ts from "typescript";
import { ROOT } from "./lib/providers.mjs";
import { prelude, readmeBlocks } from "./lib/readme-blocks.mjs";

const MP4 = Buffer.from("0000001c667479706d703432000000006d703432697336366d703431", "hex");
const JPEG = Buffer.from("ffd8ffe000104a46494600010100000100010000", "hex");

const only = process.argv.slice(2);
const packages = readdirSync(join(ROOT, "packages")).filter((name) => only.length === 0 || only.includes(name));
const { startSandbox } = await import(join(ROOT, "packages/sandbox/dist/index.js"));
const sandbox = await startSandbox({ fanvue: { processingMs: 0 } });
const { startRedisServer } = await import(join(ROOT, "packages/testkit/dist/index.js"));
const redis = await startRedisServer();
const partServer = await listen((req, res) => {
  const hash = createHash("md5");
  req.on("data", (chunk) => hash.update(chunk));
  req.on("end", () => res.writeHead(200, { etag: `"${hash.digest("hex")}"` }).end());
});
const tokenEndpoint = await listen((req, res) => {
  req.resume();
  req.on("end", () =>
    res.writeHead(200, { "content-type": "application/json" }).end(
      JSON.stringify({
        access_token: sandbox.fanvue.credentials.token,
        refresh_token: `r-${randomBytes(4).toString("hex")}`,
        expires_in: 3600,
      }),
    ),
  );
});
const env = {
  PATH: process.env.PATH,
  FANVUE_TOKEN: sandbox.fanvue.credentials.token,
  FANVUE_BASE_URL: sandbox.fanvue.baseUrl,
  FANVUE_CLIENT_ID: "example-client",
  FANVUE_CLIENT_SECRET: "example-secret",
  FANVUE_REFRESH_TOKEN: "example-refresh-token",
  FANVUE_TOKEN_URL: `${tokenEndpoint.origin}/oauth2/token`,
  OFAUTH_API_KEY: sandbox.ofauth.credentials.apiKey,
  OFAUTH_CONNECTION_ID: sandbox.ofauth.credentials.connectionId,
  OFAUTH_BASE_URL: sandbox.ofauth.baseUrl,
  RECORD360_TOKEN: sandbox.record360.credentials.token,
  RECORD360_USERNAME: sandbox.record360.credentials.username,
  RECORD360_PASSWORD: sandbox.record360.credentials.password,
  RECORD360_BASE_URL: sandbox.record360.baseUrl,
  FLOWKIWI_TOKEN: sandbox.flowkiwi.credentials.token,
  FLOWKIWI_ORGANIZATION_ID: sandbox.flowkiwi.credentials.organizationId,
  FLOWKIWI_TENANT: "example",
  FLOWKIWI_BASE_URL: sandbox.flowkiwi.baseUrl,
  PART_SERVER: partServer.origin,
  REDIS_URL: redis.url,
  UPLOAD_ROUTE_SECRET: "a README example's secret, 16+ bytes",
  UPLOADKIT_LOG: "error",
};

const failures = [];
let ran = 0;
try {
  for (const name of packages) {
    let readme;
    try {
      readme = readFileSync(join(ROOT, "packages", name, "README.md"), "utf8");
    } catch {
      continue;
    }
    const manifest = JSON.parse(readFileSync(join(ROOT, "packages", name, "package.json"), "utf8"));
    const blocks = readmeBlocks(readme).map((entry) => entry.code);
    for (const [index, block] of blocks.entries()) {
      const where = `packages/${name}/README.md, example ${index + 1}`;
      const scratch = mkdtempSync(join(tmpdir(), `uploadkit-examples-${process.pid}-`));
      const script = join(ROOT, "packages", name, `.readme-example-${index + 1}.mjs`);
      try {
        for (const [, file] of block.matchAll(/"\.\/([\w.-]+\.(mp4|mov|jpg|png))"/g)) sampleFile(join(scratch, file));
        for (const [, file] of block.matchAll(/"([\w.-]+\.(mp4|mov))"/g)) sampleFile(join(scratch, file));
        sampleFile(join(scratch, "big.mp4"));
        sampleFile(join(scratch, "sunset.mp4"));
        sampleFile(join(scratch, "clip.mp4"));
        sampleFile(join(scratch, "tshirt-red-front.jpg"));
        writeFileSync(script, transpile(prelude(name, manifest.name, block) + block));
        await promisify(execFile)(process.execPath, [script], { cwd: scratch, env, timeout: 60_000 });
        ran++;
      } catch (error) {
        failures.push(`${where} failed:\n${error.stderr || error.message}`);
      } finally {
        rmSync(script, { force: true });
        rmSync(scratch, { recursive: true, force: true });
      }
    }
  }
} finally {
  await sandbox.stop();
  await redis.stop();
  partServer.close();
  tokenEndpoint.close();
}
if (failures.length > 0) {
  console.error(`${failures.length} README example(s) failed:\n\n${failures.join("\n\n")}`);
  process.exit(1);
}
console.log(`README examples: ${ran} ran against the sandbox, all passed.`);

function transpile(source) {
  return ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: false },
  }).outputText;
}

function sampleFile(path) {
  const head = path.endsWith(".jpg") ? JPEG : MP4;
  writeFileSync(path, Buffer.concat([head, randomBytes(256 * 1024)]));
}

function listen(handler) {
  return new Promise((resolve) => {
    const server = createServer(handler);
    server.listen(0, "127.0.0.1", () =>
      resolve({ origin: `http://127.0.0.1:${server.address().port}`, close: () => server.close() }),
    );
  });
}

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

const MP4 = Buffer.from("0000001c667479706d703432000000006d703432697336366d703431", "hex");
const JPEG = Buffer.from("ffd8ffe000104a46494600010100000100010000", "hex");

/** Names a README's later blocks take from its earlier ones, each set up the way the README's first block does. */
const FIXTURES = {
  fanvue: {
    fanvue: `const fanvue = __pkg.createFanvueClient({ token: process.env.FANVUE_TOKEN });`,
    uuid: `const uuid = (await fanvue.uploadMedia("./sunset.mp4")).mediaUuid;`,
    file: `const file = "./sunset.mp4";`,
    loadRefreshToken: `const loadRefreshToken = async () => process.env.FANVUE_REFRESH_TOKEN;`,
    saveRefreshToken: `const saveRefreshToken = async (token) => { globalThis.savedRefreshToken = token; };`,
  },
  ofauth: {
    ofauth: `const ofauth = __pkg.createOfauthClient({ apiKey: process.env.OFAUTH_API_KEY, connectionId: process.env.OFAUTH_CONNECTION_ID });`,
    mediaUploadId: `const { mediaUploadId } = await ofauth.uploadMedia("./clip.mp4");`,
  },
  record360: {
    r360: `const r360 = __pkg.createRecord360Client({ token: process.env.RECORD360_TOKEN });`,
  },
  flowkiwi: {
    kiwi: `const kiwi = __pkg.createFlowkiwiClient({ token: process.env.FLOWKIWI_TOKEN, organizationId: process.env.FLOWKIWI_ORGANIZATION_ID, tenant: process.env.FLOWKIWI_TENANT });`,
    media: `const media = await kiwi.uploadMedia("./tshirt-red-front.jpg");`,
    file: `const file = "./tshirt-red-front.jpg";`,
  },
  multipart: {
    openSource: `const { openSource } = __pkg;`,
    presignPart: `const presignPart = async (partNumber) => \`\${process.env.PART_SERVER}/part/\${partNumber}\`;`,
    createUploadSession: `const createUploadSession = async () => ({ uploadId: "example" });`,
    completeUpload: `const completeUpload = async (_session, etags) => { if (etags.length === 0) throw new Error("no parts"); };`,
    parts: `const parts = __pkg.planParts((await __pkg.openSource("./big.mp4")).size, __pkg.S3_PART_RULES);`,
    target: `const target = (part) => ({ url: \`\${process.env.PART_SERVER}/part/\${part.partNumber}\` });`,
  },
};

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
    const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1]);
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

/** The fixtures this block uses (or that those rest on) but does not declare, after an import of its package. */
function prelude(name, packageName, block) {
  const fixtures = Object.entries(FIXTURES[name] ?? {});
  const declares = (identifier) =>
    new RegExp(`\\b(const|let|var)\\s+(\\{[^}]*\\b${identifier}\\b[^}]*\\}|${identifier})\\s*=`).test(block) ||
    new RegExp(`import\\s*\\{[^}]*\\b${identifier}\\b[^}]*\\}`).test(block);
  // Words in code only: comments and strings name things ("GET /media/{uuid}") without using them.
  const code = block.replace(/\/\/.*$/gm, "").replace(/"(?:[^"\\\n]|\\.)*"/g, '""');
  const needed = new Set(code.match(/\b\w+\b/g));
  const included = new Set();
  for (const [identifier, code] of [...fixtures].reverse()) {
    if (!needed.has(identifier) || declares(identifier)) continue;
    included.add(identifier);
    for (const word of code.match(/\b\w+\b/g)) needed.add(word);
  }
  const lines = fixtures.filter(([identifier]) => included.has(identifier)).map(([, code]) => code);
  return `import * as __pkg from "${packageName}";\n${lines.join("\n")}\n`;
}

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

#!/usr/bin/env node
// Proves every publishable package works as users meet it: packed tarballs, installed with npm into an
// empty folder (no workspace, no hoisting help), imported as ESM, type-checked (node16 and bundler),
// and used for one real upload against the sandbox — on Node 20, 24 and 26 (no warning printed on any), Bun and Deno.
// Usage: node scripts/package-smoke.mjs [--no-node24] [--no-node26] [--no-bun-deno]   (Node 24 and 26, Bun and Deno
// are fetched from the npm registry and used by default)
import { execFile, execFileSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { PROVIDERS, ROOT } from "./lib/providers.mjs";

const PUBLISHED = ["providers", "multipart", ...PROVIDERS, "redis", "sandbox", "cli"];
const withNode24 = !process.argv.includes("--no-node24");
const withNode26 = !process.argv.includes("--no-node26");
const withBunDeno = !process.argv.includes("--no-bun-deno");
// The sandbox's scratch folders carry this process's pid: removed on exit and on Ctrl-C, and a later run sweeps
// what a killed one left.
const { scratchDir } = await import(join(ROOT, "packages/sandbox/dist/index.js"));
const work = scratchDir("smoke", { onSignal: true });
const run = (command, args, options = {}) =>
  execFileSync(command, args, {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, npm_config_update_notifier: "false", npm_config_fund: "false", npm_config_audit: "false" },
    ...options,
  });
/** Runs a command without blocking this process (the sandbox it talks to lives here). */
const runAsync = async (command, args, options = {}) =>
  (await promisify(execFile)(command, args, { encoding: "utf8", ...options })).stdout;
const failures = [];
const check = (ok, message) => {
  if (!ok) failures.push(message);
};

function pack() {
  const dir = join(work, "packs");
  mkdirSync(dir);
  const tarballs = {};
  for (const name of PUBLISHED) {
    run("pnpm", ["pack", "--pack-destination", dir], { cwd: join(ROOT, "packages", name) });
    tarballs[name] = join(
      dir,
      readdirSync(dir).find((file) => file.startsWith(`uploadkit-${name}-`)),
    );
  }
  return tarballs;
}

/** package.json fields and tarball contents every published package must have. */
function inspect(name, tarball) {
  const files = run("tar", ["tzf", tarball]).trim().split("\n");
  const manifest = JSON.parse(run("tar", ["xzOf", tarball, "package/package.json"]));
  for (const field of ["files", "engines", "license", "repository", "exports"])
    check(manifest[field], `${name}: package.json has no "${field}"`);
  check(manifest.engines?.node === ">=20.19", `${name}: engines.node is ${manifest.engines?.node}, expected >=20.19`);
  check(files.includes("package/README.md"), `${name}: no README in the tarball`);
  check(files.includes("package/LICENSE"), `${name}: no LICENSE in the tarball`);
  const stray = files.filter((f) => /(^|\/)(test|tests|__tests__|fixtures)\/|\.test\.|\.map$|\.tsbuildinfo$|\/src\//.test(f));
  check(stray.length === 0, `${name}: test files, fixtures, sources or maps in the tarball: ${stray.join(", ")}`);
  check(!JSON.stringify(manifest).includes("workspace:"), `${name}: a workspace: protocol survived packing`);
  if (name !== "cli") {
    const main = manifest.exports?.["."];
    check(main?.types && main?.import, `${name}: exports["."] needs "types" and "import"`);
    check(manifest.sideEffects === false, `${name}: sideEffects should be false`);
  }
  const lint = (args) => {
    try {
      run(process.execPath, args, { cwd: ROOT });
    } catch (error) {
      failures.push(`${name}: ${args[0].split("/").slice(-3).join("/")} failed:\n${error.stdout}${error.stderr}`);
    }
  };
  lint([join(ROOT, "node_modules/publint/src/cli.js"), tarball, "--strict"]);
  if (name !== "cli")
    lint([
      join(ROOT, "node_modules/@arethetypeswrong/cli/dist/index.js"),
      tarball,
      // The default profile, less one rule: `require()` of these ES modules works on every Node we support
      // (>= 20.19 loads ES modules for require), which attw does not model yet; the README says so.
      "--ignore-rules",
      "cjs-resolves-to-esm",
      "--format",
      "table-flipped",
    ]);
  return files.length;
}

/** A Node binary of `major` from the npm registry's `node` package. */
function nodeOf(major) {
  const dir = join(work, `node${major}`);
  mkdirSync(dir);
  run("npm", ["init", "-y"], { cwd: dir });
  run("npm", ["install", "--no-save", `node@${major}`], { cwd: dir });
  const binary = join(dir, "node_modules", "node", "bin", "node");
  console.log(`node ${major} for the smoke test: ${run(binary, ["--version"]).trim()}`);
  return binary;
}

/** Bun and Deno from the npm registry (their packages carry the binaries), to run each provider's example as is. */
function bunAndDeno() {
  const dir = join(work, "js-runtimes");
  mkdirSync(dir);
  run("npm", ["init", "-y"], { cwd: dir });
  run("npm", ["install", "--no-save", "bun@1.4.5", "deno@2.9.6"], { cwd: dir });
  const bin = (name) => join(dir, "node_modules", ".bin", name);
  console.log(
    `bun ${run(bin("bun"), ["--version"]).trim()}, ${run(bin("deno"), ["--version"]).split("\n")[0]} for the smoke test`,
  );
  return [
    ["Bun 1.4", bin("bun"), ["run"]],
    ["Deno 2.9", bin("deno"), ["run", "--allow-all", "--quiet"]],
  ];
}

/** Packages in the production tree of `dir` and their bytes on disk. */
function treeSize(dir) {
  const tree = JSON.parse(run("npm", ["ls", "--omit=dev", "--all", "--json"], { cwd: dir }));
  const names = new Set();
  const walk = (deps = {}) => {
    for (const [name, info] of Object.entries(deps)) {
      names.add(name);
      walk(info.dependencies);
    }
  };
  walk(tree.dependencies);
  let bytes = 0;
  const du = (path) => {
    for (const entry of readdirSync(path, { withFileTypes: true })) {
      const full = join(path, entry.name);
      if (entry.isDirectory()) du(full);
      else if (entry.isFile()) bytes += statSync(full).size;
    }
  };
  for (const name of names) if (existsSync(join(dir, "node_modules", name))) du(join(dir, "node_modules", name));
  return { packages: names.size, bytes, names };
}

const CONSUMERS = {
  fanvue: {
    script: `import { createFanvueClient, InputError } from "@uploadkit/fanvue";
import { openSource } from "@uploadkit/multipart";
// file-type ships bundled in @uploadkit/multipart, which no longer depends on it: a sniff must work from the tarball.
const png = await openSource(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]));
if (png.contentType !== "image/png") throw new Error("the bundled file-type sniffed " + png.contentType);
const client = createFanvueClient({ token: process.env.TOKEN, baseUrl: process.env.BASE_URL });
const result = await client.uploadMedia(process.env.FILE, { name: "smoke" });
if (!(new InputError("x", { code: "X" }) instanceof Error)) throw new Error("errors not exported");
console.log(JSON.stringify({ id: result.mediaUuid }));`,
    typed: `import { createFanvueClient, type UploadMediaResult } from "@uploadkit/fanvue";
const client = createFanvueClient({ token: "t" });
const result: Promise<UploadMediaResult> = client.uploadMedia("./a.mp4", { mediaType: "video", waitForReady: { timeoutMs: 1 } });
void client.api.GET("/media/{uuid}", { params: { path: { uuid: "u" } } });
void result;`,
    env: (s) => ({ TOKEN: s.fanvue.credentials.token, BASE_URL: s.fanvue.baseUrl }),
  },
  ofauth: {
    script: `import { createOfauthClient } from "@uploadkit/ofauth";
const client = createOfauthClient({ apiKey: process.env.API_KEY, connectionId: process.env.CONNECTION_ID, baseUrl: process.env.BASE_URL });
const result = await client.uploadMedia(process.env.FILE);
console.log(JSON.stringify({ id: result.mediaUploadId }));`,
    typed: `import { createOfauthClient, type UploadMediaResult } from "@uploadkit/ofauth";
const client = createOfauthClient({ apiKey: "k", connectionId: "c" });
const result: Promise<UploadMediaResult> = client.uploadMedia(new Uint8Array(3), { filename: "a.jpg", skipIfExists: true });
void client.api.POST("/v2/access/uploads/check", { body: { etag: "e", size: 1 } });
void result;`,
    env: (s) => ({
      API_KEY: s.ofauth.credentials.apiKey,
      CONNECTION_ID: s.ofauth.credentials.connectionId,
      BASE_URL: s.ofauth.baseUrl,
    }),
  },
  record360: {
    script: `import { createRecord360Client } from "@uploadkit/record360";
const client = createRecord360Client({ token: process.env.TOKEN, baseUrl: process.env.BASE_URL });
const result = await client.uploadMedia(process.env.FILE, { contentType: "video/mp4" });
console.log(JSON.stringify({ id: result.id }));`,
    typed: `import { createRecord360Client, type Record360UploadedFile } from "@uploadkit/record360";
const client = createRecord360Client({ token: "t" });
const result: Promise<Record360UploadedFile> = client.uploadMedia("./a.mp4", { partCount: 2 });
void client.api.GET("/api/users/uploads/{file_id}", { params: { path: { file_id: "f" } } });
void result;`,
    env: (s) => ({ TOKEN: s.record360.credentials.token, BASE_URL: s.record360.baseUrl }),
  },
  flowkiwi: {
    script: `import { createFlowkiwiClient } from "@uploadkit/flowkiwi";
const client = createFlowkiwiClient({ token: process.env.TOKEN, organizationId: process.env.ORG, baseUrl: process.env.BASE_URL });
const media = await client.uploadMedia(process.env.FILE, { contentType: "video/mp4" });
console.log(JSON.stringify({ id: media.id }));`,
    typed: `import { createFlowkiwiClient, type FlowkiwiMedia } from "@uploadkit/flowkiwi";
const client = createFlowkiwiClient({ token: "t", organizationId: "o", tenant: "my-shop" });
const media: Promise<FlowkiwiMedia> = client.uploadMedia("./a.jpg", { verifyHash: true });
void client.listMedia({ page: 1 });
void media;`,
    env: (s) => ({
      TOKEN: s.flowkiwi.credentials.token,
      ORG: s.flowkiwi.credentials.organizationId,
      BASE_URL: s.flowkiwi.baseUrl,
    }),
  },
};

const typescriptDir = join(work, "typescript");
mkdirSync(typescriptDir);
run("npm", ["init", "-y"], { cwd: typescriptDir });
run("npm", ["install", "--no-save", "typescript@5.9.3", "@types/node@20"], { cwd: typescriptDir });
const tsc = join(typescriptDir, "node_modules", "typescript", "bin", "tsc");

const tarballs = pack();
for (const name of PUBLISHED) inspect(name, tarballs[name]);
/** [label, binary, arguments before the script]: Node 20, 24 and 26, and Bun and Deno running the same example. */
const runtimes = [["Node 20", process.execPath, []]];
if (withNode24) runtimes.push(["Node 24", nodeOf(24), []]);
if (withNode26) runtimes.push(["Node 26", nodeOf(26), []]);
if (withBunDeno) runtimes.push(...bunAndDeno());

const { startSandbox } = await import(join(ROOT, "packages/sandbox/dist/index.js"));
const sandbox = await startSandbox();
const results = [];
try {
  for (const provider of PROVIDERS) {
    const dir = join(work, `consumer-${provider}`);
    mkdirSync(dir);
    writeFileSync(join(dir, "package.json"), JSON.stringify({ name: `smoke-${provider}`, private: true, type: "module" }));
    run("npm", ["install", tarballs.providers, tarballs.multipart, tarballs[provider]], { cwd: dir });
    writeFileSync(join(dir, "smoke.mjs"), CONSUMERS[provider].script);
    writeFileSync(join(dir, "typed.ts"), CONSUMERS[provider].typed);
    for (const [resolution, module] of [
      ["node16", "node16"],
      ["nodenext", "nodenext"],
      ["bundler", "esnext"],
    ]) {
      const config = {
        compilerOptions: {
          strict: true,
          noEmit: true,
          module,
          moduleResolution: resolution,
          target: "es2022",
          types: ["node"],
          typeRoots: [join(typescriptDir, "node_modules/@types")],
          skipLibCheck: false,
        },
        files: ["typed.ts"],
      };
      writeFileSync(join(dir, `tsconfig.${resolution}.json`), JSON.stringify(config));
      try {
        run(process.execPath, [tsc, "-p", `tsconfig.${resolution}.json`], { cwd: dir });
      } catch (error) {
        failures.push(`${provider}: TypeScript (${resolution}) failed:\n${error.stdout}`);
      }
    }
    const tree = treeSize(dir);
    const ours = [...tree.names].filter((n) => n.startsWith("@uploadkit/")).sort();
    check(
      JSON.stringify(ours) === JSON.stringify(["@uploadkit/multipart", "@uploadkit/providers", `@uploadkit/${provider}`].sort()),
      `${provider}: installed ${ours.join(", ")}`,
    );
    for (const [version, node, prefix] of runtimes) {
      const bytes = randomBytes(6 * 1024 * 1024 + 1);
      const file = join(dir, "clip.mp4");
      writeFileSync(file, bytes);
      let verified = false;
      try {
        const { stdout: output, stderr } = await promisify(execFile)(node, [...prefix, "smoke.mjs"], {
          cwd: dir,
          encoding: "utf8",
          env: { ...process.env, ...CONSUMERS[provider].env(sandbox), FILE: file },
        });
        // A warning the runtime prints on every use (Node 25+ on a read of localStorage, say) is a bug of ours.
        check(!/warning/i.test(stderr), `${provider} on ${version}: the upload printed a warning: ${stderr.trim()}`);
        const { id } = JSON.parse(output.trim().split("\n").at(-1));
        verified = (await sandbox.objectSha256(sandbox[provider].keyOf(id))) === createHash("sha256").update(bytes).digest("hex");
      } catch (error) {
        failures.push(`${provider} on Node ${version}: ${error.stderr ?? error.message}`);
      }
      check(verified, `${provider} on Node ${version}: the uploaded bytes did not verify`);
      // CommonJS consumers: require() of the ES module (Node >= 20.19).
      if (version.startsWith("Node"))
        try {
          const exported = await runAsync(node, ["-e", `console.log(typeof require("@uploadkit/${provider}").InputError)`], {
            cwd: dir,
          });
          check(exported.trim() === "function", `${provider} on Node ${version}: require() gave no InputError`);
        } catch (error) {
          failures.push(`${provider} on Node ${version}: require() failed: ${error.stderr ?? error.message}`);
        }
      results.push({ provider, node: version, packages: tree.packages, kib: Math.round(tree.bytes / 1024), verified });
    }
  }
  // The CLI from its tarball: install everything it declares and upload through its own sandbox.
  const cliDir = join(work, "consumer-cli");
  mkdirSync(cliDir);
  writeFileSync(join(cliDir, "package.json"), JSON.stringify({ name: "smoke-cli", private: true, type: "module" }));
  run("npm", ["install", ...Object.values(tarballs)], { cwd: cliDir });
  const cliFile = join(cliDir, "clip.mp4");
  writeFileSync(cliFile, randomBytes(1024 * 1024));
  const cliOut = run(
    join(cliDir, "node_modules/.bin/uploadkit"),
    ["upload", "record360", cliFile, "--sandbox", "--json", "--content-type", "video/mp4"],
    { cwd: cliDir },
  );
  check(JSON.parse(cliOut.trim().split("\n").at(-1)).ok === true, `cli: upload through its sandbox failed: ${cliOut}`);
} finally {
  await sandbox.stop();
}

console.log("\n| provider | runtime | installed packages | installed KiB | upload verified |\n|---|---|---|---|---|");
for (const r of results) console.log(`| ${r.provider} | ${r.node} | ${r.packages} | ${r.kib} | ${r.verified ? "yes" : "NO"} |`);
if (failures.length > 0) {
  console.error(`\n${failures.length} problem(s):\n${failures.map((f) => `- ${f}`).join("\n")}`);
  process.exitCode = 1;
} else {
  console.log(
    `\nAll ${PUBLISHED.length} packages pass publint, attw and the tarball checks; every provider installs alone and uploads on ${runtimes.map((r) => r[0]).join(", ")}.`,
  );
  rmSync(work, { recursive: true, force: true });
}

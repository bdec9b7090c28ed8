#!/usr/bin/env node
// `pnpm release [--dry-run]`: builds, packs every published package and checks the tarballs (publint, attw, the
// tarball rules, an install and upload on Node 20, 24 and 26, Bun and Deno: `pnpm test:packages`), checks that no
// package's version is already on the npm registry, then publishes (changesets; provenance through npm trusted
// publishing in the release workflow). `--dry-run` does all of it but the publishing, and never fails because a
// version is already published (that is the normal state between releases); `--skip-checks` skips the build and
// the tarball checks (when `pnpm test:all` just ran them).
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const ROOT = new URL("..", import.meta.url).pathname;
const dryRun = process.argv.includes("--dry-run");
const skipChecks = process.argv.includes("--skip-checks");
const run = (command, args) => execFileSync(command, args, { cwd: ROOT, stdio: "inherit" });

const published = readdirSync(join(ROOT, "packages"))
  .map((name) => JSON.parse(readFileSync(join(ROOT, "packages", name, "package.json"), "utf8")))
  .filter((manifest) => manifest.private !== true);

if (!skipChecks) {
  run("pnpm", ["build"]);
  run("pnpm", ["test:packages"]);
}

const already = [];
for (const { name, version } of published) {
  let onRegistry = "";
  try {
    onRegistry = execFileSync("npm", ["view", `${name}@${version}`, "version"], {
      cwd: ROOT,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    }).trim();
  } catch {
    // Not on the registry (or the package is new): it can be published.
  }
  console.log(`${name}@${version}: ${onRegistry ? "already on npm" : "would be published"}`);
  if (onRegistry) already.push(`${name}@${version}`);
}

if (dryRun) {
  console.log(`release --dry-run: ${published.length} packages checked; nothing was published.`);
  process.exit(0);
}
if (already.length === published.length) {
  console.log("Every version is already on npm: nothing to publish.");
  process.exit(0);
}
run("pnpm", ["changeset", "publish"]);

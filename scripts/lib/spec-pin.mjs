// Each provider's spec pinned by content: specs/<provider>/pin.json holds where its upstream came from, when it was
// fetched, and the SHA-256 of every upstream file and of the openapi.yaml derived from them (for a provider that
// publishes no document, of the openapi.yaml kept by hand). `pnpm generate:check` fails on a byte changed without
// the pin; `pnpm specs:update` and `pnpm specs:sync` write it (the latter also for the text of the reference pages a
// hand-written spec is written from, specs/<provider>/published/); the contract tests' Prism refuses a spec that does not match it.
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { providerPaths } from "./providers.mjs";

const sha256 = (path) => createHash("sha256").update(readFileSync(path)).digest("hex");

/** Every pinned file of a provider's specs and its SHA-256, by path relative to specs/<provider>/. */
export function currentHashes(provider) {
  const paths = providerPaths(provider);
  const files = {};
  if (paths.isDerived) {
    for (const name of readdirSync(paths.upstreamDir).sort()) files[`upstream/${name}`] = sha256(join(paths.upstreamDir, name));
  }
  const published = join(paths.specDir, "published");
  if (existsSync(published)) {
    for (const name of readdirSync(published).sort()) files[`published/${name}`] = sha256(join(published, name));
  }
  files["openapi.yaml"] = sha256(paths.spec);
  return files;
}

export function pinPath(provider) {
  return join(providerPaths(provider).specDir, "pin.json");
}

/** The pin as committed, or undefined. */
export function readPin(provider) {
  const path = pinPath(provider);
  return existsSync(path) ? JSON.parse(readFileSync(path, "utf8")) : undefined;
}

/** Writes the pin for the files as they are now. */
export function writePin(provider, { source, fetchedAt = new Date().toISOString().slice(0, 10) }) {
  const pin = { source, fetchedAt, files: currentHashes(provider) };
  writeFileSync(pinPath(provider), `${JSON.stringify(pin, null, 2)}\n`);
  return pin;
}

/** What differs from the pin, one line per file (empty: the files are the pinned ones). */
export function pinMismatches(provider) {
  const pin = readPin(provider);
  const where = relative(process.cwd(), providerPaths(provider).specDir) || ".";
  if (!pin) return [`${where}/pin.json is missing: run \`pnpm specs:pin ${provider} --source <where it came from>\``];
  const now = currentHashes(provider);
  const problems = [];
  for (const [file, hash] of Object.entries(now)) {
    if (pin.files?.[file] === undefined) problems.push(`${where}/${file} is not in the pin`);
    else if (pin.files[file] !== hash)
      problems.push(
        `${where}/${file} changed without its pin (pinned ${pin.files[file].slice(0, 12)}…, now ${hash.slice(0, 12)}…)`,
      );
  }
  for (const file of Object.keys(pin.files ?? {}))
    if (now[file] === undefined) problems.push(`${where}/${file} is pinned but gone`);
  return problems;
}

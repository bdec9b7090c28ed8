#!/usr/bin/env node
// Usage: pnpm specs:update [provider] [--from <url | file | folder of pages>] [--no-changeset]
// Takes a provider's publication as it comes — one whole OpenAPI document, or a folder of per-endpoint pages —
// stores it verbatim as specs/<provider>/upstream/, re-derives specs/<provider>/openapi.yaml (merge → normalise
// → overlay), lints it, regenerates the types and the README's list of operations, prints what changed for clients with a suggested
// version bump, and writes a changeset. Everything is prepared in a scratch folder first: on any error, or when
// the derived document would not lint, the committed specs are left untouched. The bump is the larger of the
// differ's rules (scripts/lib/diff-rules.mjs) and the compiler's verdict (scripts/lib/compile-verdict.mjs).
import { PROVIDERS, providerPaths } from "./lib/providers.mjs";
import { registeredSource, sourceFor } from "./lib/spec-sources.mjs";
import { update } from "./lib/spec-update.mjs";

const args = process.argv.slice(2);
let from;
const named = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--from") from = args[++i];
  else if (!args[i].startsWith("--")) named.push(args[i]);
}
const publishesOpenApi = (provider) => registeredSource(provider).kind !== "reference-pages";
const targets = named.length > 0 ? named : PROVIDERS.filter(publishesOpenApi);
if (from && targets.length !== 1) {
  console.error("--from takes one provider: pnpm specs:update <provider> --from <url | file | folder>");
  process.exit(2);
}
try {
  for (const provider of targets) {
    providerPaths(provider);
    await update(provider, from ?? sourceFor(provider).from, { writeChangeset: !args.includes("--no-changeset") });
  }
} catch (error) {
  console.error(`specs:update failed: ${error.message}\nThe committed specs were left untouched.`);
  process.exitCode = 1;
}

#!/usr/bin/env node
// Usage: pnpm specs:pin <provider…> --source <url or description> — records the SHA-256 of each provider's spec
// files as they are now in specs/<provider>/pin.json (after an edit by hand of a spec no provider publishes).
import { PROVIDERS } from "./lib/providers.mjs";
import { writePin } from "./lib/spec-pin.mjs";

const args = process.argv.slice(2);
const at = args.indexOf("--source");
const source = at >= 0 ? args[at + 1] : undefined;
const named = args.filter((arg, index) => !arg.startsWith("--") && index !== at + 1);
if (!source || named.some((name) => !PROVIDERS.includes(name))) {
  console.error(`usage: pnpm specs:pin <${PROVIDERS.join("|")}>… --source <url or description>`);
  process.exit(2);
}
for (const provider of named.length > 0 ? named : PROVIDERS)
  console.log(`${provider}: pinned`, writePin(provider, { source }).files);

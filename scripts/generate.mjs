#!/usr/bin/env node
// Usage: node scripts/generate.mjs [provider...] [--check]
// Derives specs/<provider>/openapi.yaml where the provider publishes OpenAPI, then writes
// packages/<provider>/src/generated/openapi.ts with openapi-typescript, and the list of operations in the package's
// README (between `<!-- operations:start -->` and `<!-- operations:end -->`).
// --check writes nothing and exits 1 when a committed file differs from what would be generated.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, relative } from "node:path";
import { generatedTypes } from "./lib/codegen.mjs";
import { deriveSpec } from "./lib/derive-spec.mjs";
import { withOperationsTable } from "./lib/operations-table.mjs";
import { PROVIDERS, providerPaths, ROOT } from "./lib/providers.mjs";
import { pinMismatches } from "./lib/spec-pin.mjs";

async function run(providers, check) {
  const stale = [];
  const overlayProblems = [];
  for (const provider of providers) {
    const paths = providerPaths(provider);
    let specText = readFileSync(paths.spec, "utf8");
    if (paths.isDerived) {
      const derived = deriveSpec(paths);
      specText = derived.text;
      for (const warning of derived.unmatched)
        console.warn(`warning: specs/${provider}/overlay.yaml: ${warning} — upstream changed; update the action.`);
      for (const collision of derived.collisions) console.warn(`warning: specs/${provider}/overlay.yaml: ${collision}`);
      if (check) overlayProblems.push(...[...derived.unmatched, ...derived.collisions].map((p) => `${provider}: ${p}`));
    }
    const outputs = [[paths.generated, await generatedTypes(provider, specText)]];
    if (paths.isDerived) outputs.unshift([paths.spec, specText]);
    const readme = `${ROOT}packages/${provider}/README.md`;
    const listed = existsSync(readme) ? withOperationsTable(readFileSync(readme, "utf8"), specText) : undefined;
    if (listed !== undefined) outputs.push([readme, listed]);
    for (const [file, text] of outputs) {
      const current = existsSync(file) ? readFileSync(file, "utf8") : undefined;
      if (current === text) continue;
      if (check) {
        stale.push(relative(ROOT, file));
      } else {
        mkdirSync(dirname(file), { recursive: true });
        writeFileSync(file, text);
        console.log(`wrote ${relative(ROOT, file)}`);
      }
    }
  }
  if (overlayProblems.length > 0) {
    console.error(
      `Overlay actions that no longer fit upstream (fix specs/<provider>/overlay.yaml):\n  ${overlayProblems.join("\n  ")}`,
    );
    process.exitCode = 1;
  }
  const unpinned = check ? providers.flatMap((provider) => pinMismatches(provider)) : [];
  if (unpinned.length > 0) {
    console.error(
      `Spec files differ from their pins (specs/<provider>/pin.json):\n  ${unpinned.join("\n  ")}\nA new publication goes in with \`pnpm specs:update\` (which pins it); a hand edit with \`pnpm specs:pin <provider> --source <where>\`.`,
    );
    process.exitCode = 1;
  }
  if (stale.length > 0) {
    console.error(
      `Generated files are out of date with the specs:\n  ${stale.join("\n  ")}\nRun \`pnpm generate\` and commit the result.`,
    );
    process.exitCode = 1;
  } else if (check && unpinned.length === 0) {
    console.log(`generated files match the specs, and the specs their pins (${providers.join(", ")})`);
  }
}

const args = process.argv.slice(2);
const check = args.includes("--check");
const named = args.filter((arg) => !arg.startsWith("--"));
for (const provider of named) providerPaths(provider);
await run(named.length > 0 ? named : PROVIDERS, check);

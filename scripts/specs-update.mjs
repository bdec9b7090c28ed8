#!/usr/bin/env node
// Usage: pnpm specs:update [provider] [--from <url-or-file>] [--no-changeset]
// Pulls a provider's newer published OpenAPI document, stores it verbatim under specs/<provider>/upstream/,
// re-derives specs/<provider>/openapi.yaml (merge → normalise → overlay), regenerates the types, prints what
// changed for clients with a suggested version bump, and writes a changeset. Everything is prepared in a
// scratch folder first: on any error the committed specs are left untouched.
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import YAML from "yaml";
import { generatedTypes } from "./lib/codegen.mjs";
import { deriveSpec } from "./lib/derive-spec.mjs";
import { providerPaths, ROOT } from "./lib/providers.mjs";
import { diffSpecs, suggestedBump } from "./lib/spec-diff.mjs";
import { UPLOAD_FLOW_OPERATIONS, UPSTREAM_URLS } from "./lib/upload-flow-operations.mjs";

class UpdateError extends Error {}

async function readDocument(from) {
  let text;
  if (/^https?:\/\//i.test(from)) {
    let response;
    try {
      response = await fetch(from, {
        signal: AbortSignal.timeout(30_000),
        headers: { accept: "application/json, application/yaml;q=0.9" },
      });
    } catch (error) {
      const code = error.cause?.code ?? error.cause?.errors?.[0]?.code;
      throw new UpdateError(`Could not reach ${from}: ${code ?? error.cause?.message ?? error.message}.`);
    }
    if (!response.ok) throw new UpdateError(`Could not download ${from}: HTTP ${response.status}.`);
    text = await response.text();
  } else {
    try {
      text = readFileSync(from, "utf8");
    } catch (error) {
      throw new UpdateError(`Could not read ${from}: ${error.code ?? error.message}.`);
    }
  }
  let document;
  try {
    document = YAML.parse(text);
  } catch (error) {
    throw new UpdateError(`${from} is neither JSON nor YAML: ${error.message.split("\n")[0]}`);
  }
  if (!document || typeof document !== "object" || typeof document.openapi !== "string" || !document.openapi.startsWith("3.")) {
    throw new UpdateError(`${from} is not an OpenAPI 3 document (no "openapi: 3.x" field).`);
  }
  if (!document.paths || typeof document.paths !== "object")
    throw new UpdateError(`${from} is not a valid OpenAPI document: it has no "paths".`);
  return { text, format: text.trimStart().startsWith("{") ? "json" : "yaml" };
}

async function update(provider, from, writeChangeset) {
  const paths = providerPaths(provider);
  if (!paths.isDerived)
    throw new UpdateError(`${provider} publishes no OpenAPI document; edit specs/${provider}/openapi.yaml by hand.`);
  const upstream = await readDocument(from);

  // Prepare everything in a scratch copy of the provider's specs.
  const scratch = mkdtempSync(join(tmpdir(), `uploadkit-specs-${provider}-`));
  try {
    cpSync(paths.specDir, scratch, { recursive: true });
    rmSync(join(scratch, "upstream"), { recursive: true, force: true });
    mkdirSync(join(scratch, "upstream"));
    const upstreamFile = `openapi.${upstream.format}`;
    writeFileSync(join(scratch, "upstream", upstreamFile), upstream.text);
    let derivedText;
    let unmatched;
    let typesText;
    try {
      ({ text: derivedText, unmatched } = deriveSpec({
        upstreamDir: join(scratch, "upstream/"),
        overlay: join(scratch, "overlay.yaml"),
      }));
      typesText = await generatedTypes(provider, derivedText);
    } catch (error) {
      throw new UpdateError(`The new document cannot be used as it is: ${error.message}`);
    }

    const changes = diffSpecs(YAML.parse(readFileSync(paths.spec, "utf8")), YAML.parse(derivedText));
    const bump = suggestedBump(changes);

    // Swap in: upstream/, the derived document, and the generated types.
    const staged = join(scratch, "upstream-staged");
    renameSync(join(scratch, "upstream"), staged);
    for (const name of readdirSync(paths.upstreamDir)) rmSync(join(paths.upstreamDir, name));
    cpSync(staged, paths.upstreamDir, { recursive: true });
    writeAtomically(paths.spec, derivedText);
    writeAtomically(paths.generated, typesText);

    const flowChanged = [
      ...new Set(changes.map((c) => c.operation).filter((op) => op && UPLOAD_FLOW_OPERATIONS[provider].includes(op))),
    ];
    report(provider, from, changes, bump, flowChanged, unmatched);
    if (writeChangeset && bump !== "none") {
      const file = join(ROOT, ".changeset", `${provider}-spec-update-${new Date().toISOString().slice(0, 10)}.md`);
      writeFileSync(file, changeset(provider, from, changes, bump, flowChanged, unmatched));
      console.log(`wrote ${relative(ROOT, file)}`);
    }
    return { changes, bump, flowChanged };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

function writeAtomically(file, text) {
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, text);
  renameSync(temporary, file);
}

function report(provider, from, changes, bump, flowChanged, unmatched) {
  console.log(`\n${provider}: ${from}`);
  for (const warning of unmatched) console.log(`  warning: specs/${provider}/overlay.yaml: ${warning} — update the action`);
  if (changes.length === 0) {
    console.log("  no changes");
    return;
  }
  for (const change of changes) console.log(`  ${change.kind.padEnd(8)}  ${change.operation ?? "(document)"}: ${change.message}`);
  console.log(`  suggested bump for @uploadkit/${provider}: ${bump}`);
  if (flowChanged.length > 0)
    console.log(`  uploadMedia uses these changed operations — check the flow code: ${flowChanged.join(", ")}`);
}

function changeset(provider, from, changes, bump, flowChanged, unmatched) {
  const lines = (kind) => changes.filter((c) => c.kind === kind).map((c) => `- ${c.operation ?? "document"}: ${c.message}`);
  return [
    "---",
    `"@uploadkit/${provider}": ${bump}`,
    "---",
    "",
    `Regenerated from the provider's newer OpenAPI document (${from}).`,
    ...(lines("breaking").length ? ["", "Breaking for clients:", ...lines("breaking")] : []),
    ...(lines("additive").length ? ["", "Additions:", ...lines("additive")] : []),
    ...(lines("docs").length ? ["", "Documentation:", ...lines("docs")] : []),
    ...(flowChanged.length
      ? ["", `uploadMedia uses operations that changed (${flowChanged.join(", ")}): check the flow code against them.`]
      : []),
    ...(unmatched.length
      ? ["", "Overlay actions that no longer apply (update specs/<provider>/overlay.yaml):", ...unmatched.map((w) => `- ${w}`)]
      : []),
    "",
  ].join("\n");
}

const args = process.argv.slice(2);
let from;
const named = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--from") from = args[++i];
  else if (!args[i].startsWith("--")) named.push(args[i]);
}
const targets = named.length > 0 ? named : Object.keys(UPSTREAM_URLS);
if (from && targets.length !== 1) {
  console.error("--from takes one provider: pnpm specs:update <provider> --from <url-or-file>");
  process.exit(2);
}
try {
  for (const provider of targets) {
    providerPaths(provider);
    await update(provider, from ?? UPSTREAM_URLS[provider], !args.includes("--no-changeset"));
  }
} catch (error) {
  console.error(`specs:update failed: ${error.message}\nThe committed specs were left untouched.`);
  process.exitCode = 1;
}

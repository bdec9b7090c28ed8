#!/usr/bin/env node
// Usage: pnpm specs:update [provider] [--from <url | file | folder of pages>] [--no-changeset]
// Takes a provider's publication as it comes — one whole OpenAPI document, or a folder of per-endpoint pages —
// stores it verbatim as specs/<provider>/upstream/, re-derives specs/<provider>/openapi.yaml (merge → normalise
// → overlay), lints it, regenerates the types and the README's list of operations, prints what changed for clients with a suggested
// version bump, and writes a changeset. Everything is prepared in a scratch folder first: on any error, or when
// the derived document would not lint, the committed specs are left untouched.
import { spawnSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import YAML from "yaml";
import { generatedTypes } from "./lib/codegen.mjs";
import { deriveSpec } from "./lib/derive-spec.mjs";
import { withOperationsTable } from "./lib/operations-table.mjs";
import { providerPaths, ROOT } from "./lib/providers.mjs";
import { diffSpecs, suggestedBump } from "./lib/spec-diff.mjs";
import { writePin } from "./lib/spec-pin.mjs";
import { UPLOAD_FLOW_OPERATIONS, UPSTREAM_URLS } from "./lib/upload-flow-operations.mjs";

class UpdateError extends Error {}

/** A provider's publication: one document (a URL or a file) or a folder of per-endpoint pages, each stored verbatim. */
async function readPublication(from) {
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
    const text = await response.text();
    return [{ name: `openapi.${format(text)}`, text: checkedDocument(from, text) }];
  }
  let stats;
  try {
    stats = statSync(from);
  } catch (error) {
    throw new UpdateError(`Could not read ${from}: ${error.code ?? error.message}.`);
  }
  if (stats.isDirectory()) {
    const names = readdirSync(from)
      .filter((name) => /\.(ya?ml|json)$/i.test(name))
      .sort();
    if (names.length === 0) throw new UpdateError(`${from} holds no .yaml, .yml or .json pages.`);
    return names.map((name) => ({ name, text: checkedDocument(join(from, name), readFileSync(join(from, name), "utf8")) }));
  }
  const text = readFileSync(from, "utf8");
  return [{ name: `openapi.${format(text)}`, text: checkedDocument(from, text) }];
}

function format(text) {
  return text.trimStart().startsWith("{") ? "json" : "yaml";
}

function checkedDocument(from, text) {
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
  return text;
}

/**
 * Lints the derived document with the repository's Redocly rules for this provider. Errors refuse the update (a
 * broken derivation); warnings are the provider's design (specs/upstream-design-rules.yaml) and are reported.
 */
function lintProblems(provider, specFile, scratch) {
  const config = YAML.parse(readFileSync(join(ROOT, "redocly.yaml"), "utf8"));
  const api = { ...config.apis?.[provider], root: specFile };
  // Rulesets named by path are relative to the repository's redocly.yaml, not to the scratch copy of it.
  if (Array.isArray(api.extends))
    api.extends = api.extends.map((entry) => (/^\.{1,2}\//.test(entry) ? join(ROOT, entry) : entry));
  config.apis = { [provider]: api };
  const configFile = join(scratch, "redocly.yaml");
  writeFileSync(configFile, YAML.stringify(config));
  const run = spawnSync(
    process.execPath,
    [join(ROOT, "scripts", "redocly-quiet.mjs"), "lint", provider, "--config", configFile, "--format", "json"],
    { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 },
  );
  let report;
  try {
    report = JSON.parse(run.stdout);
  } catch {
    throw new UpdateError(`redocly lint did not run: ${(run.stderr || run.stdout).trim().split("\n").slice(-3).join(" ")}`);
  }
  const describe = (problem) => `${problem.ruleId}: ${problem.message} (${where(problem.location?.[0]?.pointer ?? "")})`;
  return {
    errors: report.problems.filter((problem) => problem.severity === "error").map(describe),
    warnings: report.problems.filter((problem) => problem.severity === "warn").map(describe),
  };
}

/** A JSON pointer into the document, with the path it points into named as the provider publishes it. */
function where(pointer) {
  const segments = pointer
    .replace(/^#\//, "")
    .split("/")
    .map((s) => s.replaceAll("~1", "/").replaceAll("~0", "~"));
  if (segments[0] === "paths" && segments[1]) return [segments[1], ...segments.slice(2)].join(" ");
  return pointer;
}

async function update(provider, from, writeChangeset) {
  const paths = providerPaths(provider);
  if (!paths.isDerived)
    throw new UpdateError(`${provider} publishes no OpenAPI document; edit specs/${provider}/openapi.yaml by hand.`);
  const pages = await readPublication(from);

  // Prepare everything in a scratch copy of the provider's specs.
  const scratch = mkdtempSync(join(tmpdir(), `uploadkit-specs-${provider}-`));
  try {
    cpSync(paths.specDir, scratch, { recursive: true });
    rmSync(join(scratch, "upstream"), { recursive: true, force: true });
    mkdirSync(join(scratch, "upstream"));
    for (const page of pages) writeFileSync(join(scratch, "upstream", page.name), page.text);
    let derived;
    let typesText;
    try {
      derived = deriveSpec({ upstreamDir: join(scratch, "upstream/"), overlay: join(scratch, "overlay.yaml") });
      typesText = await generatedTypes(provider, derived.text);
    } catch (error) {
      throw new UpdateError(`The new document cannot be used as it is: ${error.message}`);
    }
    const derivedFile = join(scratch, "openapi.yaml");
    writeFileSync(derivedFile, derived.text);
    const { errors, warnings: designWarnings } = lintProblems(provider, derivedFile, scratch);
    if (errors.length > 0) {
      throw new UpdateError(
        [
          `The derived specs/${provider}/openapi.yaml would not pass \`pnpm lint:specs\` (${errors.length} error${errors.length === 1 ? "" : "s"}):`,
          ...errors.slice(0, 20).map((e) => `  ${e}`),
          ...(errors.length > 20 ? [`  … and ${errors.length - 20} more`] : []),
          ...[...derived.collisions, ...derived.unmatched].map((w) => `  overlay: ${w}`),
          `Fix specs/${provider}/overlay.yaml (or the derivation rules in scripts/lib/normalize-openapi.mjs) and run it again.`,
        ].join("\n"),
      );
    }

    const changes = diffSpecs(YAML.parse(readFileSync(paths.spec, "utf8")), YAML.parse(derived.text));
    const bump = suggestedBump(changes);

    // Swap in: upstream/, the derived document, and the generated types.
    const staged = join(scratch, "upstream-staged");
    renameSync(join(scratch, "upstream"), staged);
    for (const name of readdirSync(paths.upstreamDir)) rmSync(join(paths.upstreamDir, name));
    cpSync(staged, paths.upstreamDir, { recursive: true });
    writeAtomically(paths.spec, derived.text);
    writeAtomically(paths.generated, typesText);
    writePin(provider, { source: String(from) });
    const readme = join(ROOT, "packages", provider, "README.md");
    const listed = existsSync(readme) ? withOperationsTable(readFileSync(readme, "utf8"), derived.text) : undefined;
    if (listed !== undefined) writeAtomically(readme, listed);

    const overlayWarnings = [...derived.unmatched, ...derived.collisions];
    const flowChanged = [
      ...new Set(changes.map((c) => c.operation).filter((op) => op && UPLOAD_FLOW_OPERATIONS[provider].includes(op))),
    ];
    report(provider, from, changes, bump, flowChanged, overlayWarnings, designWarnings);
    if (writeChangeset && bump !== "none") {
      const file = join(ROOT, ".changeset", `${provider}-spec-update-${new Date().toISOString().slice(0, 10)}.md`);
      writeFileSync(file, changeset(provider, from, changes, bump, flowChanged, overlayWarnings));
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

function report(provider, from, changes, bump, flowChanged, overlayWarnings, designWarnings) {
  console.log(`\n${provider}: ${from}`);
  for (const warning of overlayWarnings) console.log(`  warning: specs/${provider}/overlay.yaml: ${warning} — update the action`);
  if (designWarnings.length > 0) {
    console.log(`  ${provider}'s API design, as published (reported, not refused; specs/upstream-design-rules.yaml):`);
    for (const warning of designWarnings) console.log(`    design: ${warning}`);
  }
  if (changes.length === 0) {
    console.log("  no changes");
    return;
  }
  for (const change of changes) console.log(`  ${change.kind.padEnd(8)}  ${change.operation ?? "(document)"}: ${change.message}`);
  console.log(`  suggested bump for @uploadkit/${provider}: ${bump}`);
  if (flowChanged.length > 0)
    console.log(`  uploadMedia uses these changed operations — check the flow code: ${flowChanged.join(", ")}`);
}

function changeset(provider, from, changes, bump, flowChanged, overlayWarnings) {
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
    ...(overlayWarnings.length
      ? [
          "",
          "Overlay actions that no longer apply (update specs/<provider>/overlay.yaml):",
          ...overlayWarnings.map((w) => `- ${w}`),
        ]
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
  console.error("--from takes one provider: pnpm specs:update <provider> --from <url | file | folder>");
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

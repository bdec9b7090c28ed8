// One provider's spec update: its publication stored verbatim as specs/<provider>/upstream/, openapi.yaml re-derived
// (merge → normalise → overlay) and linted, the types and the README's list of operations regenerated, the change
// rated by the differ's rules and by the compiler (the code written against the old types type-checked against the
// new), and a changeset written with the larger of the two bumps. Everything is prepared in a scratch folder first:
// on any error, or when the derived document would not lint, the committed specs are left untouched.
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
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import YAML from "yaml";
import { generatedTypes } from "./codegen.mjs";
import { compileCheck } from "./compile-verdict.mjs";
import { deriveSpec } from "./derive-spec.mjs";
import { largerBump } from "./diff-rules.mjs";
import { withOperationsTable } from "./operations-table.mjs";
import { providerPaths, ROOT } from "./providers.mjs";
import { readPublication, UpdateError } from "./publication.mjs";
import { diffSpecs, suggestedBump } from "./spec-diff.mjs";
import { pinMismatches, writePin } from "./spec-pin.mjs";
import { UPLOAD_FLOW_OPERATIONS } from "./upload-flow-operations.mjs";

export { UpdateError } from "./publication.mjs";

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

export async function update(provider, from, { writeChangeset = true, log = console.log } = {}) {
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
    const rulesBump = suggestedBump(changes);
    let compiler = compileCheck(provider);
    let baseline;
    try {
      baseline = compiler?.baseline();
    } catch (error) {
      log(`  compiler: could not run (${error.message}); the rules alone rate this update`);
      compiler = undefined;
    }

    // Swap in: upstream/, the derived document, and the generated types.
    const staged = join(scratch, "upstream-staged");
    renameSync(join(scratch, "upstream"), staged);
    for (const name of readdirSync(paths.upstreamDir)) rmSync(join(paths.upstreamDir, name));
    cpSync(staged, paths.upstreamDir, { recursive: true });
    writeAtomically(paths.spec, derived.text);
    writeAtomically(paths.generated, typesText);
    const changed = pinMismatches(provider).length > 0;
    if (changed) writePin(provider, { source: String(from) });
    const readme = join(ROOT, "packages", provider, "README.md");
    const listed = existsSync(readme) ? withOperationsTable(readFileSync(readme, "utf8"), derived.text) : undefined;
    if (listed !== undefined) writeAtomically(readme, listed);

    let compileErrors;
    try {
      compileErrors = compiler?.verdict().errors;
    } catch (error) {
      log(`  compiler: could not run (${error.message}); the rules alone rate this update`);
    }
    const bump = compileErrors?.length ? largerBump(rulesBump, "major") : rulesBump;
    const overlayWarnings = [...derived.unmatched, ...derived.collisions];
    const flowChanged = [
      ...new Set(changes.map((c) => c.operation).filter((op) => op && UPLOAD_FLOW_OPERATIONS[provider].includes(op))),
    ];
    const result = { provider, from, changed, changes, rulesBump, compileErrors, bump, flowChanged, overlayWarnings };
    report(result, designWarnings, log, baseline);
    if (writeChangeset && bump !== "none") {
      const file = join(ROOT, ".changeset", `${provider}-spec-update-${new Date().toISOString().slice(0, 10)}.md`);
      writeFileSync(file, changeset(result));
      log(`wrote ${relative(ROOT, file)}`);
      result.changesetFile = file;
    }
    return result;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

function writeAtomically(file, text) {
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, text);
  renameSync(temporary, file);
}

function report(result, designWarnings, log, baseline) {
  const { provider, from, changes, rulesBump, compileErrors, bump, flowChanged, overlayWarnings } = result;
  log(`\n${provider}: ${from}`);
  for (const warning of overlayWarnings) log(`  warning: specs/${provider}/overlay.yaml: ${warning} — update the action`);
  if (designWarnings.length > 0) {
    log(`  ${provider}'s API design, as published (reported, not refused; specs/upstream-design-rules.yaml):`);
    for (const warning of designWarnings) log(`    design: ${warning}`);
  }
  if (changes.length === 0 && !compileErrors?.length) {
    log("  no changes");
    return;
  }
  for (const change of changes)
    log(`  ${change.kind.padEnd(8)}  ${change.operation ?? "(document)"}: ${change.message} [${change.rule}]`);
  if (!compileErrors) log("  compiler: not checked (no package sources here)");
  else if (baseline && baseline.errors.length > 0)
    log(`  compiler: ${baseline.errors.length} error(s) against the old types already (run \`pnpm build\` first?)`);
  for (const error of compileErrors ?? []) log(`  breaking  compiler: ${error.where}: ${error.code} ${error.message}`);
  log(`  rules: ${rulesBump}; compiler: ${compileErrors ? (compileErrors.length ? "major" : "compiles") : "not checked"}`);
  log(`  suggested bump for @uploadkit/${provider}: ${bump}`);
  if (flowChanged.length > 0) log(`  uploadMedia uses these changed operations — check the flow code: ${flowChanged.join(", ")}`);
}

/** The changes grouped by kind, as Markdown list items (changeset and pull request bodies). */
export function changeLines(result, kind) {
  if (kind === "compiler") return (result.compileErrors ?? []).map((e) => `- \`${e.where}\`: ${e.code} ${e.message}`);
  return result.changes.filter((c) => c.kind === kind).map((c) => `- ${c.operation ?? "document"}: ${c.message} (\`${c.rule}\`)`);
}

function changeset(result) {
  const { provider, from, bump, flowChanged, overlayWarnings } = result;
  const section = (title, kind) => {
    const lines = changeLines(result, kind);
    return lines.length ? ["", title, ...lines] : [];
  };
  return [
    "---",
    `"@uploadkit/${provider}": ${bump}`,
    "---",
    "",
    `Regenerated from the provider's newer OpenAPI document (${from}).`,
    ...section("Breaking for clients:", "breaking"),
    ...section("Code written against the previous types no longer compiles:", "compiler"),
    ...section("Additions:", "additive"),
    ...section("Compatible changes:", "compatible"),
    ...section("Documentation:", "docs"),
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

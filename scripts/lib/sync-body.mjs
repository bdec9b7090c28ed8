// The body of a spec-sync pull request: every change with its class (the differ's rule), the compiler's verdict with
// file and line, and what a reviewer must look at.
import { RULES } from "./diff-rules.mjs";
import { changeLines } from "./spec-update.mjs";

const KIND_TITLES = {
  breaking: "Breaking for clients",
  additive: "Additions",
  compatible: "Compatible changes",
  docs: "Documentation only",
};

export function pullRequestBody(result, label) {
  const { provider, changes, rulesBump, compileErrors, bump, flowChanged, overlayWarnings } = result;
  const compiler = compileErrors ? (compileErrors.length ? "major" : "compiles") : "not checked";
  const lines = [
    `Regenerated \`@uploadkit/${provider}\` from ${provider}'s publication (${label}) by \`pnpm specs:sync\`.`,
    "",
    `**Bump: ${bump}** — the differ's rules say ${rulesBump}; the compiler (the package's sources, tests and README`,
    `examples type-checked against the new types) says ${compiler}. The changeset carries the larger.`,
  ];
  if (changes.length === 0 && !compileErrors?.length)
    lines.push("", "The upstream bytes changed, but nothing in the derived document a client sees.");
  for (const [kind, title] of Object.entries(KIND_TITLES)) {
    const ofKind = changes.filter((c) => c.kind === kind);
    if (ofKind.length === 0) continue;
    lines.push("", `### ${title} (${ofKind.length})`, "", "| operation | change | class |", "| --- | --- | --- |");
    for (const change of ofKind)
      lines.push(
        `| ${cell(change.operation ?? "document")} | ${cell(change.message)} | \`${change.rule}\`: ${RULES[change.rule].what} |`,
      );
  }
  if (compileErrors?.length)
    lines.push("", "### Code written against the previous types no longer compiles", "", ...changeLines(result, "compiler"));
  if (flowChanged.length)
    lines.push("", `### uploadMedia's operations changed`, "", `${flowChanged.join(", ")}: check the flow code against them.`);
  if (overlayWarnings.length)
    lines.push("", "### Overlay actions that no longer apply", "", ...overlayWarnings.map((w) => `- ${w}`));
  lines.push(
    "",
    bump === "major"
      ? "Labelled `breaking`: the bot never merges it; a maintainer reviews the release notes and merges."
      : "Not breaking: the workflow may merge it once CI passes (repository variable `SPECS_SYNC_AUTOMERGE`).",
  );
  return `${lines.join("\n")}\n`;
}

export function referencePagesBody(provider, label, changes) {
  const lines = [
    `${provider} publishes no OpenAPI document: \`specs/${provider}/openapi.yaml\` is written by hand from its reference`,
    `pages (${label}), and their text changed. Review the spec against them in this branch, then`,
    `\`pnpm specs:pin ${provider} --source "<pages>"\` and \`pnpm generate\`; the changeset follows from what you change.`,
  ];
  for (const change of changes) {
    lines.push("", `### \`published/${change.name}\` — ${change.status}${change.page ? ` (${change.page})` : ""}`, "");
    const shown = [...change.lost.map((l) => `- ${l}`), ...change.gained.map((l) => `+ ${l}`)];
    lines.push("```diff", ...shown.slice(0, 80), ...(shown.length > 80 ? [`… ${shown.length - 80} more lines`] : []), "```");
  }
  lines.push("", "Labelled `needs-review`: nothing is regenerated until the hand-written spec is updated.");
  return `${lines.join("\n")}\n`;
}

function cell(text) {
  return String(text).replaceAll("|", "\\|").replaceAll("\n", " ");
}

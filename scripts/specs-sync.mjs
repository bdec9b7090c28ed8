#!/usr/bin/env node
// Usage: pnpm specs:sync [provider…] [--dry-run] [--source <provider>=<url | file | folder>]… [--summary <file>]
//                        [--remote origin]
// For each provider (all, or those named or given a --source): reads its publication from the source registered in
// specs/<provider>/source.json (or the --source given), runs the update (scripts/lib/spec-update.mjs: regenerated
// types, the differ's rules and the compiler's verdict, a changeset), and when anything changed commits it on the
// branch specs-sync/<provider>, pushes it and opens — or updates — one pull request per provider whose body lists
// every change with its class. Labels: `specs-sync`; `breaking` when the bump is major; `needs-review` when the
// hand-written spec of a provider that publishes reference pages only must be checked against the new pages. The bot
// merges nothing: the workflow may auto-merge what is not breaking. --dry-run does everything but the push and the
// pull request, and prints the branch, the bump and the path of the body. Nothing changed: it says so, exit 0.
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { githubFromEnv, proposePullRequest } from "./lib/github-pulls.mjs";
import { PROVIDERS, ROOT } from "./lib/providers.mjs";
import { snapshotPages } from "./lib/reference-pages.mjs";
import { sourceFor, sourceOverrides } from "./lib/spec-sources.mjs";
import { UpdateError, update } from "./lib/spec-update.mjs";
import { pullRequestBody, referencePagesBody } from "./lib/sync-body.mjs";

const LABELS = ["specs-sync", "breaking", "needs-review"];
const IDENTITY = ["-c", "user.name=uploadkit specs-sync", "-c", "user.email=specs-sync@users.noreply.github.com"];

function git(...args) {
  const run = spawnSync("git", args, { cwd: ROOT, encoding: "utf8" });
  if (run.status !== 0) throw new UpdateError(`git ${args.join(" ")} failed: ${(run.stderr || run.stdout).trim()}`);
  return run.stdout.trim();
}
const gitOk = (...args) => spawnSync("git", args, { cwd: ROOT, encoding: "utf8" }).status === 0;

function parseArgs(argv) {
  const options = { dryRun: false, sources: [], names: [], remote: "origin" };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--dry-run") options.dryRun = true;
    else if (arg === "--source") options.sources.push(argv[++i] ?? "");
    else if (arg.startsWith("--source=")) options.sources.push(arg.slice("--source=".length));
    else if (arg === "--summary") options.summary = argv[++i];
    else if (arg === "--remote") options.remote = argv[++i];
    else if (arg.startsWith("--")) throw new UpdateError(`Unknown option ${arg}.`);
    else if (!PROVIDERS.includes(arg)) throw new UpdateError(`Unknown provider "${arg}" (known: ${PROVIDERS.join(", ")}).`);
    else options.names.push(arg);
  }
  return options;
}

/** Runs one provider's update on the current branch; answers what to propose, or undefined when nothing changed. */
async function syncOne(provider, override) {
  const source = sourceFor(provider, override);
  if (source.kind === "reference-pages") {
    const { changes } = await snapshotPages(provider, source.from, source.label);
    if (changes.length === 0) return undefined;
    return {
      bump: "none",
      labels: ["specs-sync", "needs-review"],
      title: `specs(${provider}): reference pages changed — review specs/${provider}/openapi.yaml`,
      body: referencePagesBody(provider, source.label, changes),
    };
  }
  const lines = [];
  const result = await update(provider, source.from, { writeChangeset: true, log: (line) => lines.push(line) });
  console.log(lines.join("\n"));
  if (git("status", "--porcelain") === "") return undefined;
  return {
    bump: result.bump,
    labels: ["specs-sync", ...(result.bump === "major" ? ["breaking"] : [])],
    title: `specs(${provider}): regenerate from ${provider}'s publication (${result.bump === "none" ? "no client change" : result.bump})`,
    body: pullRequestBody(result, source.label),
  };
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const overrides = sourceOverrides(options.sources);
  const targets = options.names.length || overrides.size ? [...new Set([...options.names, ...overrides.keys()])] : PROVIDERS;
  const github = options.dryRun ? undefined : githubFromEnv();
  if (git("status", "--porcelain") !== "") throw new UpdateError("The work tree has changes: commit or stash them first.");
  const base = git("rev-parse", "--abbrev-ref", "HEAD");
  const bodies = join(tmpdir(), "uploadkit-specs-sync");
  mkdirSync(bodies, { recursive: true });
  const summary = [];
  let failed = 0;
  for (const provider of targets) {
    try {
      const proposal = await syncOne(provider, overrides.get(provider));
      if (!proposal) {
        console.log(`${provider}: nothing changed — no pull request.`);
        summary.push({ provider, changed: false });
        continue;
      }
      const branch = `specs-sync/${provider}`;
      const bodyFile = join(bodies, `${provider}.md`);
      writeFileSync(bodyFile, proposal.body);
      git("switch", "--quiet", "-C", branch);
      git("add", "--all");
      git(...IDENTITY, "commit", "--quiet", "--no-verify", "-m", proposal.title);
      git("switch", "--quiet", base);
      const entry = { provider, changed: true, branch, bump: proposal.bump, breaking: proposal.bump === "major", body: bodyFile };
      summary.push(entry);
      console.log(`${provider}: branch ${branch}, bump ${proposal.bump}, body ${bodyFile}`);
      if (options.dryRun) {
        console.log(`${provider}: --dry-run: not pushed, no pull request.`);
        continue;
      }
      const proposed =
        gitOk("fetch", "--quiet", options.remote, branch) &&
        gitOk("diff", "--quiet", "FETCH_HEAD", branch, "--", ".", ":(exclude).changeset");
      if (proposed) console.log(`${provider}: ${options.remote}/${branch} already holds this change; not pushed again.`);
      else git("push", "--quiet", "--force", options.remote, `${branch}:refs/heads/${branch}`);
      const pull = await proposePullRequest(github, { branch, base, ...proposal, managed: LABELS });
      Object.assign(entry, { pullRequest: pull.number, url: pull.url });
      console.log(`${provider}: pull request #${pull.number} ${pull.created ? "opened" : "updated"}: ${pull.url}`);
    } catch (error) {
      failed++;
      summary.push({ provider, error: error.message });
      console.error(`${provider}: specs:sync failed: ${error.message}`);
      // The tree was clean before this provider: put it back as it was.
      if (git("rev-parse", "--abbrev-ref", "HEAD") !== base) git("switch", "--quiet", "--force", base);
      git("reset", "--quiet", "--hard");
      git("clean", "--quiet", "-fd", "--", "specs", "packages", ".changeset");
    }
  }
  if (options.summary) writeFileSync(options.summary, `${JSON.stringify(summary, null, 2)}\n`);
  if (failed) process.exitCode = 1;
}

try {
  await main();
} catch (error) {
  console.error(`specs:sync: ${error.message}`);
  process.exitCode = error instanceof UpdateError ? 2 : 1;
}

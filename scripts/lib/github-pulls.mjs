// The two calls the spec-sync bot makes on GitHub, over its REST API: open (or update) the pull request of a branch,
// and set its labels. Plain fetch: the API is three endpoints, and the tests point GITHUB_API_URL at a local server.
import { UpdateError } from "./publication.mjs";

const MAX_BODY = 60_000; // GitHub refuses a pull request body over 65,536 characters.

/** The repository and token the bot works with, from the Actions environment; undefined entries are reported. */
export function githubFromEnv(env = process.env) {
  const token = env.SPECS_SYNC_TOKEN || env.GITHUB_TOKEN;
  const repository = env.GITHUB_REPOSITORY;
  const missing = [!token && "SPECS_SYNC_TOKEN (or GITHUB_TOKEN)", !repository && "GITHUB_REPOSITORY"].filter(Boolean);
  if (missing.length)
    throw new UpdateError(`Opening pull requests needs ${missing.join(" and ")} in the environment (or run with --dry-run).`);
  return { token, repository, api: (env.GITHUB_API_URL || "https://api.github.com").replace(/\/+$/, "") };
}

async function call(github, method, path, body) {
  let response;
  try {
    response = await fetch(`${github.api}/repos/${github.repository}${path}`, {
      method,
      signal: AbortSignal.timeout(30_000),
      headers: {
        authorization: `Bearer ${github.token}`,
        accept: "application/vnd.github+json",
        "x-github-api-version": "2022-11-28",
        ...(body ? { "content-type": "application/json" } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
    });
  } catch (error) {
    throw new UpdateError(`GitHub API ${method} ${path} failed: ${error.cause?.code ?? error.message}.`);
  }
  const text = await response.text();
  if (!response.ok) {
    let message = text.slice(0, 300);
    try {
      message = JSON.parse(text).message ?? message;
    } catch {}
    throw new UpdateError(`GitHub API ${method} ${path} answered ${response.status}: ${message}`);
  }
  return text ? JSON.parse(text) : undefined;
}

/**
 * Opens the pull request of `branch` into `base`, or updates the one already open; then makes its labels those
 * given among `managed` (a label of ours no longer true is taken off). Answers its number, URL and whether it is new.
 */
export async function proposePullRequest(github, { branch, base, title, body, labels, managed }) {
  const owner = github.repository.split("/")[0];
  const text = body.length > MAX_BODY ? `${body.slice(0, MAX_BODY)}\n\n… (cut: the full list is in the changeset)` : body;
  const query = `?state=open&head=${encodeURIComponent(`${owner}:${branch}`)}&base=${encodeURIComponent(base)}`;
  const open = await call(github, "GET", `/pulls${query}`);
  let pull;
  let created = false;
  if (Array.isArray(open) && open.length > 0) {
    pull = await call(github, "PATCH", `/pulls/${open[0].number}`, { title, body: text });
  } else {
    pull = await call(github, "POST", "/pulls", { title, head: branch, base, body: text, maintainer_can_modify: true });
    created = true;
  }
  if (labels.length) await call(github, "POST", `/issues/${pull.number}/labels`, { labels });
  const current = (pull.labels ?? []).map((label) => label.name);
  for (const label of managed.filter((name) => !labels.includes(name) && current.includes(name)))
    await call(github, "DELETE", `/issues/${pull.number}/labels/${encodeURIComponent(label)}`);
  return { number: pull.number, url: pull.html_url, created };
}

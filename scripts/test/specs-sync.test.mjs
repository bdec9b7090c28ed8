// pnpm specs:sync in a scratch git repository (with a bare "origin"), against a local server that serves the
// providers' publications and answers as GitHub's pull request API does.
import { execFile, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import YAML from "yaml";
import { PROVIDERS, ROOT } from "../lib/providers.mjs";
import { openApiBlock } from "../lib/publication.mjs";
import { pageName, pageText } from "../lib/reference-pages.mjs";
import { fanvueUpstream } from "./support/fanvue-upstream.mjs";

const TOKEN = "ghs_secretTokenForTheTest123";

let server;
let origin;
const documents = new Map();
let github;
beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url.startsWith("/api/")) return githubApi(req, res);
    const body = documents.get(req.url);
    if (body === undefined) return res.writeHead(404).end("not found");
    res.writeHead(200, { "content-type": body.trimStart().startsWith("<") ? "text/html" : "application/json" }).end(body);
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${server.address().port}`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

/** GitHub's pulls and labels endpoints, as much as the bot uses, with every request recorded. */
function githubApi(req, res) {
  let text = "";
  req.on("data", (chunk) => (text += chunk));
  req.on("end", () => {
    const url = new URL(req.url, origin);
    const body = text ? JSON.parse(text) : undefined;
    github.requests.push({
      method: req.method,
      path: url.pathname,
      search: url.search,
      body,
      authorization: req.headers.authorization,
    });
    const send = (status, value) => res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(value));
    if (req.headers.authorization !== `Bearer ${TOKEN}`) return send(401, { message: "Bad credentials" });
    const prefix = "/api/repos/acme/uploadkit";
    const path = url.pathname.slice(prefix.length);
    const view = (pull) => ({
      ...pull,
      html_url: `https://github.test/acme/uploadkit/pull/${pull.number}`,
      labels: pull.labels.map((name) => ({ name })),
    });
    if (req.method === "GET" && path === "/pulls") {
      const head = url.searchParams.get("head").split(":")[1];
      return send(200, github.pulls.filter((p) => p.head === head).map(view));
    }
    if (req.method === "POST" && path === "/pulls") {
      const pull = {
        number: github.pulls.length + 1,
        head: body.head,
        base: body.base,
        title: body.title,
        body: body.body,
        labels: [],
      };
      github.pulls.push(pull);
      return send(201, view(pull));
    }
    const number = Number(/\/(?:pulls|issues)\/(\d+)/.exec(path)?.[1]);
    const pull = github.pulls.find((p) => p.number === number);
    if (!pull) return send(404, { message: "Not Found" });
    if (req.method === "PATCH") Object.assign(pull, { title: body.title, body: body.body });
    else if (req.method === "POST") pull.labels = [...new Set([...pull.labels, ...body.labels])];
    else if (req.method === "DELETE") pull.labels = pull.labels.filter((l) => l !== decodeURIComponent(path.split("/").pop()));
    send(200, view(pull));
  });
}

let dir;
let remote;
beforeEach(() => {
  github = { requests: [], pulls: [] };
  dir && rmSync(dir, { recursive: true, force: true });
  dir = mkdtempSync(join(tmpdir(), "uploadkit-specs-sync-"));
  const repo = join(dir, "repo");
  for (const entry of [
    "scripts",
    "specs",
    "redocly.yaml",
    join(".changeset", "config.json"),
    join("packages", "providers", "src", "providers.json"),
  ])
    cpSync(join(ROOT, entry), join(repo, entry), { recursive: true });
  for (const provider of PROVIDERS) {
    cpSync(join(ROOT, "packages", provider, "src", "generated"), join(repo, "packages", provider, "src", "generated"), {
      recursive: true,
    });
    cpSync(join(ROOT, "packages", provider, "README.md"), join(repo, "packages", provider, "README.md"));
  }
  symlinkSync(join(ROOT, "node_modules"), join(repo, "node_modules"), "dir");
  writeFileSync(join(repo, ".gitignore"), "node_modules\n");
  remote = join(dir, "origin.git");
  git(dir, "init", "--quiet", "--bare", "-b", "main", remote);
  git(repo, "init", "--quiet", "-b", "main");
  git(repo, "add", "--all");
  git(repo, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "--quiet", "-m", "start");
  git(repo, "remote", "add", "origin", remote);
  git(repo, "push", "--quiet", "origin", "main");
});
afterAll(() => dir && rmSync(dir, { recursive: true, force: true }));

function git(cwd, ...args) {
  const run = spawnSync("git", args, { cwd, encoding: "utf8" });
  if (run.status !== 0) throw new Error(`git ${args.join(" ")}: ${run.stderr}`);
  return run.stdout.trim();
}

function serve(path, document) {
  documents.set(path, typeof document === "string" ? document : JSON.stringify(document));
  return `${origin}${path}`;
}

const sync = (...args) =>
  new Promise((resolve) => {
    const env = {
      PATH: process.env.PATH,
      TMPDIR: dir,
      GITHUB_API_URL: `${origin}/api`,
      GITHUB_REPOSITORY: "acme/uploadkit",
      SPECS_SYNC_TOKEN: TOKEN,
    };
    execFile(
      process.execPath,
      [join(dir, "repo", "scripts", "specs-sync.mjs"), ...args],
      { cwd: join(dir, "repo"), env, encoding: "utf8" },
      (error, stdout, stderr) => resolve({ status: error ? error.code : 0, stdout, stderr }),
    );
  });

const repo = () => join(dir, "repo");
const remoteBranches = () =>
  git(dir, "--git-dir", remote, "branch", "--list")
    .split("\n")
    .map((b) => b.replace(/^[* ]+/, ""))
    .filter(Boolean);

describe("pnpm specs:sync", () => {
  it("nothing changed: says so, exit 0, no branch, no body, no pull request", async () => {
    const pages = join(dir, "pages");
    cpSync(join(ROOT, "specs/fanvue/upstream"), pages, { recursive: true });
    // A folder's README (Markdown with no OpenAPI block) is not a page of the publication.
    writeFileSync(join(pages, "README.md"), "# Fanvue's pages\n\nDownloaded from the reference site.\n");
    const result = await sync("--dry-run", "--source", `fanvue=${pages}`);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain("fanvue: nothing changed — no pull request.");
    expect(result.stdout).not.toMatch(/ofauth|record360/);
    expect(git(repo(), "branch", "--list", "specs-sync/*")).toBe("");
    expect(existsSync(join(dir, "uploadkit-specs-sync", "fanvue.md"))).toBe(false);
    expect(git(repo(), "status", "--porcelain")).toBe("");
  });

  it("--dry-run: commits the regenerated client on its branch, prints branch, bump and body; pushes nothing, opens nothing", async () => {
    const document = fanvueUpstream();
    const operation = document.paths["/media/{uuid}"].get;
    operation.parameters = operation.parameters.filter((parameter) => parameter.name !== "purchasedBy");
    const head = git(repo(), "rev-parse", "HEAD");
    const result = await sync("fanvue", "--dry-run", "--source", `fanvue=${serve("/fanvue-breaking.json", document)}`);
    expect(result.status, result.stderr).toBe(0);
    const body = join(dir, "uploadkit-specs-sync", "fanvue.md");
    expect(result.stdout).toContain(`fanvue: branch specs-sync/fanvue, bump major, body ${body}`);
    const text = readFileSync(body, "utf8");
    expect(text).toContain("**Bump: major**");
    expect(text).toMatch(/### Breaking for clients \(\d+\)/);
    expect(text).toMatch(
      /\| GET \/media\/\{uuid\} \| parameter query purchasedBy removed \| `parameter-removed`: a parameter is gone \|/,
    );
    const files = git(repo(), "show", "--name-only", "--format=", "specs-sync/fanvue").split("\n");
    expect(files).toEqual(
      expect.arrayContaining(["packages/fanvue/src/generated/openapi.ts", "specs/fanvue/openapi.yaml", "specs/fanvue/pin.json"]),
    );
    expect(files.some((f) => /^\.changeset\/fanvue-spec-update-.*\.md$/.test(f))).toBe(true);
    expect(git(repo(), "rev-parse", "--abbrev-ref", "HEAD")).toBe("main");
    expect(git(repo(), "rev-parse", "HEAD")).toBe(head);
    expect(git(repo(), "status", "--porcelain")).toBe("");
    expect(remoteBranches()).toEqual(["main"]);
    expect(github.requests).toEqual([]);
  });

  it("opens one pull request per provider with labels, updates it instead of opening another, labels a breaking one, and never shows the token", async () => {
    const additive = fanvueUpstream();
    additive.paths["/media/uploads"].post.requestBody.content["application/json"].schema.properties.caption = { type: "string" };
    const page = (text) =>
      `<html><head><title>x</title><script>var a=1</script></head><body><main><h1>Start upload</h1><p>${text}</p><table><tr><td>part_count</td><td>1-20</td></tr></table></main></body></html>`;
    const fanvueSource = `fanvue=${serve("/fanvue-additive.json", additive)}`;
    const recordSource = `record360=${serve("/api-docs/1.0/users/multipart_upload_start.html", page("Starts a multipart upload."))}`;

    const first = await sync("--source", fanvueSource, "--source", recordSource);
    expect(first.status, first.stderr).toBe(0);
    expect(github.pulls.map((p) => [p.head, p.labels])).toEqual([
      ["specs-sync/fanvue", ["specs-sync"]],
      ["specs-sync/record360", ["specs-sync", "needs-review"]],
    ]);
    expect(github.pulls[0].body).toMatch(/new optional field caption \| `field-added-optional`/);
    expect(github.pulls[0].title).toContain("(minor)");
    expect(github.pulls[1].body).toContain("+ Starts a multipart upload.");
    expect(github.pulls[1].body).toContain("### `published/api-docs-1-0-users-multipart-upload-start.txt` — added");
    expect(remoteBranches().sort()).toEqual(["main", "specs-sync/fanvue", "specs-sync/record360"]);
    const snapshot = git(
      dir,
      "--git-dir",
      remote,
      "show",
      "specs-sync/record360:specs/record360/published/api-docs-1-0-users-multipart-upload-start.txt",
    );
    expect(snapshot).toBe("Start upload\nStarts a multipart upload.\n| part_count | 1-20");
    expect(github.requests.every((r) => r.authorization === `Bearer ${TOKEN}`)).toBe(true);
    expect(first.stdout + first.stderr).not.toContain(TOKEN);

    const again = await sync("--source", fanvueSource, "--source", recordSource);
    expect(again.status, again.stderr).toBe(0);
    expect(again.stdout).toContain("fanvue: origin/specs-sync/fanvue already holds this change; not pushed again.");
    expect(github.pulls).toHaveLength(2);
    expect(again.stdout).toContain("pull request #1 updated");

    const breaking = fanvueUpstream();
    delete breaking.paths["/media/uploads"];
    const third = await sync("fanvue", "--source", `fanvue=${serve("/fanvue-breaking-2.json", breaking)}`);
    expect(third.status, third.stderr).toBe(0);
    expect(github.pulls).toHaveLength(2);
    expect(github.pulls[0].labels).toEqual(["specs-sync", "breaking"]);
    expect(github.pulls[0].body).toContain("`breaking`: the bot never merges it");
    expect(git(dir, "--git-dir", remote, "show", "specs-sync/fanvue:specs/fanvue/openapi.yaml")).not.toMatch(
      /^ {2}\/media\/uploads:$/m,
    );

    const fourth = await sync("--source", fanvueSource);
    expect(fourth.status, fourth.stderr).toBe(0);
    expect(github.pulls[0].labels).toEqual(["specs-sync"]);
    expect(github.requests.some((r) => r.method === "DELETE" && r.path.endsWith("/issues/1/labels/breaking"))).toBe(true);
  });

  it("a provider that fails is reported and the tree put back; the others go on; exit 1", async () => {
    const result = await sync(
      "--dry-run",
      "--source",
      `fanvue=${origin}/missing.json`,
      "--source",
      `flowkiwi=${serve("/medias.md", "# Medias\n\nCreate a media with `POST /rest/api/medias`.\n")}`,
    );
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`fanvue: specs:sync failed: Could not download ${origin}/missing.json: HTTP 404.`);
    expect(result.stdout).toContain("flowkiwi: branch specs-sync/flowkiwi, bump none");
    expect(git(repo(), "status", "--porcelain")).toBe("");
    expect(git(repo(), "branch", "--list", "specs-sync/fanvue")).toBe("");
  });

  it("refuses without a token (unless --dry-run), an unknown provider, a malformed --source, and a dirty tree", async () => {
    const noToken = await new Promise((resolve) =>
      execFile(
        process.execPath,
        [join(repo(), "scripts", "specs-sync.mjs"), "ofauth"],
        { cwd: repo(), env: { PATH: process.env.PATH } },
        (error, _stdout, stderr) => resolve({ status: error?.code ?? 0, stderr }),
      ),
    );
    expect(noToken.status).toBe(2);
    expect(noToken.stderr).toContain("needs SPECS_SYNC_TOKEN (or GITHUB_TOKEN) and GITHUB_REPOSITORY");
    expect((await sync("--dry-run", "nope")).stderr).toContain('Unknown provider "nope"');
    expect((await sync("--dry-run", "--source", "fanvue")).stderr).toContain("--source takes <provider>=<url | file | folder>");
    writeFileSync(join(repo(), "specs", "stray.txt"), "x");
    expect((await sync("--dry-run", "fanvue")).stderr).toContain("The work tree has changes: commit or stash them first.");
  });
});

describe("pages a provider publishes", () => {
  it("takes the OpenAPI block of a Markdown or HTML reference page, as published", () => {
    const yaml = "openapi: 3.1.1\ninfo:\n  title: t\n  version: endpoint_.x\npaths: {}\n";
    expect(openApiBlock(`# Create upload\n\n## OpenAPI Specification\n\n\`\`\`yaml\n${yaml}\`\`\`\n`)).toBe(yaml);
    const html = `<pre><code class="language-yaml"><span>openapi: 3.1.1</span>\ninfo:\n  title: &quot;t&quot;\n  version: v\npaths: {}\n</code></pre>`;
    expect(YAML.parse(openApiBlock(html))).toEqual({ openapi: "3.1.1", info: { title: "t", version: "v" }, paths: {} });
    expect(openApiBlock("```yaml\nfoo: bar\n```\n")).toBeUndefined();
  });

  it("keeps a reference page's text, not its markup, so a rebuilt site is not a change", () => {
    const a = `<html><head><script src="/a.123.js"></script><style>p{}</style></head><body><nav>Menu</nav><h1>Uploads</h1><p>Max&nbsp;20 parts &amp; more</p></body></html>`;
    const b = a.replace("/a.123.js", "/a.456.js").replace("<p>", '<p class="x">');
    expect(pageText(a)).toBe("Uploads\nMax 20 parts & more\n");
    expect(pageText(b)).toBe(pageText(a));
    expect(pageName("https://app.record360.com/api-docs/1.0/users/multipart_upload_start.html")).toBe(
      "api-docs-1-0-users-multipart-upload-start.txt",
    );
  });
});

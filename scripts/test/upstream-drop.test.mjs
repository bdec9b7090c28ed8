import { execFile } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import YAML from "yaml";
import { PROVIDERS, ROOT } from "../lib/providers.mjs";

// A provider's publication dropped in as it comes, end to end: `specs:update --from <folder of pages>` in a scratch
// copy of the repository, then the derived spec must lint, the package must build and type-check against the new
// types, and the provider's contract tests must pass against Prism serving the new spec.
const PUBLISHED = join(ROOT, "specs/fanvue/upstream");
const UPLOAD_AND_MEDIA_PAGES = [
  "create-upload-session",
  "complete-upload-session",
  "complete-creator-upload-session",
  "get-upload-part-url",
  "get-creator-upload-part-url",
  "get-user-media-by-uuid",
  "get-creator-media-by-uuid",
];

let dir;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "uploadkit-upstream-drop-"));
  for (const path of ["scripts", "specs", "redocly.yaml", "tsconfig.base.json", ".changeset/config.json"]) {
    cpSync(join(ROOT, path), join(dir, path), { recursive: true });
  }
  cpSync(join(ROOT, "packages/providers/src/providers.json"), join(dir, "packages/providers/src/providers.json"));
  for (const provider of PROVIDERS) {
    cpSync(join(ROOT, "packages", provider, "src", "generated"), join(dir, "packages", provider, "src", "generated"), {
      recursive: true,
    });
  }
  const fanvue = join(dir, "packages/fanvue");
  for (const path of ["src", "test", "package.json", "tsconfig.json", "tsconfig.build.json", "vitest.config.ts", "README.md"]) {
    cpSync(join(ROOT, "packages/fanvue", path), join(fanvue, path), { recursive: true });
  }
  symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"), "dir");
  symlinkSync(join(ROOT, "packages/fanvue/node_modules"), join(fanvue, "node_modules"), "dir");
});
afterAll(() => dir && rmSync(dir, { recursive: true, force: true }));

const run = (command, args, options = {}) =>
  new Promise((resolve) => {
    execFile(command, args, { encoding: "utf8", maxBuffer: 32 * 1024 * 1024, ...options }, (error, stdout, stderr) =>
      resolve({ status: error ? (error.code ?? 1) : 0, output: `${stdout}\n${stderr}` }),
    );
  });
const node = (script, ...args) => run(process.execPath, [join(dir, script), ...args], { cwd: dir });
const tsc = (project) =>
  run(process.execPath, [join(ROOT, "node_modules/typescript/bin/tsc"), "-p", project], { cwd: join(dir, "packages/fanvue") });
const contractTests = (file = "test/contract.test.ts") =>
  run(process.execPath, [join(ROOT, "node_modules/vitest/vitest.mjs"), "run", file, "--reporter", "verbose"], {
    cwd: join(dir, "packages/fanvue"),
    env: { ...process.env, UPLOADKIT_SPECS_DIR: join(dir, "specs") },
  });

function pagesFolder(name, pages, transform = (text) => ({ text })) {
  const folder = join(dir, name);
  mkdirSync(folder);
  for (const page of pages) {
    const { file, text } = transform(readFileSync(join(PUBLISHED, `${page}.yaml`), "utf8"), page);
    writeFileSync(join(folder, file ?? `${page}.yaml`), text);
  }
  return folder;
}

describe("dropping Fanvue's published pages into upstream/", () => {
  it("the seven upload-flow and media pages: derive, lint, build and pass the contract tests", async () => {
    const folder = pagesFolder("seven", UPLOAD_AND_MEDIA_PAGES, (text, page) => ({ file: `${page}.yaml`, text }));
    const update = await node("scripts/specs-update.mjs", "fanvue", "--from", folder, "--no-changeset");
    expect(update.status, update.output).toBe(0);
    expect(readdirSync(join(dir, "specs/fanvue/upstream")).sort()).toEqual(UPLOAD_AND_MEDIA_PAGES.map((p) => `${p}.yaml`).sort());
    const lint = await run(
      process.execPath,
      [join(dir, "scripts/redocly-quiet.mjs"), "lint", "fanvue", "--config", "redocly.yaml"],
      { cwd: dir },
    );
    expect(lint.status, lint.output).toBe(0);
    const build = await tsc("tsconfig.build.json");
    expect(build.status, build.output).toBe(0);
    const contract = await contractTests();
    expect(contract.status, contract.output).toBe(0);
  });

  it("every published page, served as JSON: derive, lint, build, type-check and pass the contract tests", async () => {
    const all = readdirSync(PUBLISHED).map((file) => file.replace(/\.yaml$/, ""));
    const folder = pagesFolder("all-json", all, (text, page) => ({
      file: `${page}.json`,
      text: JSON.stringify(YAML.parse(text)),
    }));
    const update = await node("scripts/specs-update.mjs", "fanvue", "--from", folder, "--no-changeset");
    expect(update.status, update.output).toBe(0);
    expect(update.output).not.toContain("warning:");
    const lint = await run(
      process.execPath,
      [join(dir, "scripts/redocly-quiet.mjs"), "lint", "fanvue", "--config", "redocly.yaml"],
      { cwd: dir },
    );
    expect(lint.status, lint.output).toBe(0);
    const generated = readFileSync(join(dir, "packages/fanvue/src/generated/openapi.ts"), "utf8");
    expect(generated).toBe(readFileSync(join(ROOT, "packages/fanvue/src/generated/openapi.ts"), "utf8"));
    const typecheck = await tsc("tsconfig.json");
    expect(typecheck.status, typecheck.output).toBe(0);
    const build = await tsc("tsconfig.build.json");
    expect(build.status, build.output).toBe(0);
    const contract = await contractTests();
    expect(contract.status, contract.output).toBe(0);
  });

  it("a page that publishes what the overlay adds is reported by name, and upstream's definition is kept", async () => {
    const all = readdirSync(PUBLISHED).map((file) => file.replace(/\.yaml$/, ""));
    const folder = pagesFolder("collision", all);
    const page = YAML.parse(readFileSync(join(PUBLISHED, "create-upload-session.yaml"), "utf8"));
    const operation = page.paths["/media/uploads"].post;
    operation.operationId = "create-creator-upload-session";
    operation.parameters.unshift({
      name: "creatorUserUuid",
      in: "path",
      required: true,
      schema: { type: "string", format: "uuid" },
    });
    page.paths = { "/creators/{creatorUserUuid}/media/uploads": { post: operation } };
    page.info.title = "Create multipart upload session for a creator";
    writeFileSync(join(folder, "create-creator-upload-session.yaml"), YAML.stringify(page));
    const update = await node("scripts/specs-update.mjs", "fanvue", "--from", folder, "--no-changeset");
    expect(update.status, update.output).toBe(0);
    expect(update.output).toMatch(
      /warning: specs\/fanvue\/overlay\.yaml: overlay action #\d+ "Operations documented on Fanvue's reference pages and openapi\.json for which no operation page is published\." \(target \$\.paths\): \$\.paths\['\/creators\/\{creatorUserUuid\}\/media\/uploads'\]\.post is already published upstream — kept upstream's/,
    );
    const derived = YAML.parse(readFileSync(join(dir, "specs/fanvue/openapi.yaml"), "utf8"));
    expect(derived.paths["/creators/{creatorUserUuid}/media/uploads"].post.operationId).toBe("create-creator-upload-session");
    const check = await node("scripts/generate.mjs", "--check");
    expect(check.status).toBe(1);
    expect(check.output).toMatch(
      /Overlay actions that no longer fit upstream[\s\S]*fanvue: overlay action #\d+ .*\/creators\/\{creatorUserUuid\}\/media\/uploads'\]\.post is already published upstream/,
    );
  });

  it("pages whose paths overlap (a literal segment beside a template, two ambiguous paths) are reported as the provider's design, not refused, and every such path routes to its own operation", async () => {
    const all = readdirSync(PUBLISHED).map((file) => file.replace(/\.yaml$/, ""));
    const folder = pagesFolder("overlapping", all);
    // Two pages in Fanvue's format: GET /chats/{userUuid} beside the literal /chats/unread, /chats/lists and
    // /chats/mass-messages; GET /chats/lists/{listKind} beside /chats/lists/smart and /chats/lists/custom, and
    // ambiguous with /chats/{userUuid}/media (each has a template where the other has a literal).
    const page = (path, operationId, parameter, route) => ({
      openapi: "3.1.1",
      info: { title: `Get ${route}`, version: `endpoint_.${operationId}` },
      paths: {
        [path]: {
          get: {
            operationId,
            summary: `Get ${route}`,
            tags: [[]],
            parameters: [
              { name: parameter, in: "path", required: true, schema: { type: "string" } },
              { name: "Authorization", in: "header", required: true, schema: { type: "string" } },
              {
                name: "X-Fanvue-API-Version",
                in: "header",
                description: "API version to use for the request",
                required: true,
                schema: { type: "string", default: "2025-06-26" },
              },
            ],
            responses: {
              200: {
                description: route,
                content: {
                  "application/json": {
                    schema: { type: "object", properties: { route: { type: "string", enum: [route] } }, required: ["route"] },
                  },
                },
              },
              401: { description: "Unauthorized Response", content: {} },
            },
          },
        },
      },
    });
    writeFileSync(join(folder, "get-chat.yaml"), YAML.stringify(page("/chats/{userUuid}", "get-chat", "userUuid", "chat")));
    writeFileSync(
      join(folder, "get-chat-list.yaml"),
      YAML.stringify(page("/chats/lists/{listKind}", "get-chat-list", "listKind", "chat-list")),
    );
    const update = await node("scripts/specs-update.mjs", "fanvue", "--from", folder, "--no-changeset");
    expect(update.status, update.output).toBe(0);
    expect(update.output).toMatch(
      /design: no-ambiguous-paths: .*`\/chats\/lists\/\{listKind\}` and `\/chats\/\{userUuid\}\/media`/,
    );
    expect(update.output).toContain("reported, not refused");
    const lint = await run(
      process.execPath,
      [join(dir, "scripts/redocly-quiet.mjs"), "lint", "fanvue", "--config", "redocly.yaml"],
      { cwd: dir },
    );
    expect(lint.status, lint.output).toBe(0);
    expect(lint.output).toMatch(/no-ambiguous-paths/);
    const derived = YAML.parse(readFileSync(join(dir, "specs/fanvue/openapi.yaml"), "utf8"));
    expect(Object.keys(derived.paths)).toEqual(expect.arrayContaining(["/chats/{userUuid}", "/chats/lists/{listKind}"]));
    // The same command lists the new operations in the README, and leaves nothing for `generate:check` to find.
    const readme = readFileSync(join(dir, "packages/fanvue/README.md"), "utf8");
    expect(readme).toContain("| `GET /chats/{userUuid}` | Get chat |");
    expect(readme).toContain("| `GET /chats/lists/{listKind}` | Get chat-list |");
    const check = await node("scripts/generate.mjs", "fanvue", "--check");
    expect(check.status, check.output).toBe(0);

    // Prism serving the derived spec, called through openapi-fetch (the Fanvue client's `api`): a literal segment wins
    // over a template, and a template takes whatever no literal claims.
    const { startPrism } = await import(pathToFileURL(join(ROOT, "packages/testkit/dist/index.js")).href);
    const { createFanvueClient } = await import(pathToFileURL(join(ROOT, "packages/fanvue/dist/index.js")).href);
    const specsDir = process.env.UPLOADKIT_SPECS_DIR;
    process.env.UPLOADKIT_SPECS_DIR = join(dir, "specs");
    const prism = await startPrism({ provider: "fanvue" }).finally(() => {
      if (specsDir === undefined) delete process.env.UPLOADKIT_SPECS_DIR;
      else process.env.UPLOADKIT_SPECS_DIR = specsDir;
    });
    try {
      const { api } = createFanvueClient({ token: "contract-token", baseUrl: prism.origin, retry: { maxAttempts: 1 } });
      const user = "0b6e1c9e-5a4f-4c83-9a4e-2f1d8b7c6a50";
      const answer = async (call) => {
        const { data, error, response } = await call;
        expect(response.status, JSON.stringify(error)).toBe(200);
        return data;
      };
      expect(await answer(api.GET("/chats/unread"))).toMatchObject({ unreadChatsCount: expect.any(Number) });
      expect(await answer(api.GET("/chats/{userUuid}", { params: { path: { userUuid: user } } }))).toEqual({ route: "chat" });
      expect(await answer(api.GET("/chats/lists/smart"))).toEqual(expect.any(Array));
      expect(await answer(api.GET("/chats/lists/custom", { params: { query: {} } }))).not.toHaveProperty("route");
      expect(await answer(api.GET("/chats/lists/{listKind}", { params: { path: { listKind: "favourites" } } }))).toEqual({
        route: "chat-list",
      });
      expect(await answer(api.GET("/chats/{userUuid}/media", { params: { path: { userUuid: user } } }))).not.toHaveProperty(
        "route",
      );
    } finally {
      await prism.stop();
    }

    // The package builds and type-checks against the new types, and its contract tests still pass.
    const typecheck = await tsc("tsconfig.json");
    expect(typecheck.status, typecheck.output).toBe(0);
    const contract = await contractTests();
    expect(contract.status, contract.output).toBe(0);
    // The spec-derived table covers the new operations with nothing to add by hand.
    const everyOperation = await contractTests("test/every-operation.test.ts");
    expect(everyOperation.status, everyOperation.output).toBe(0);
    expect(everyOperation.output).toContain("GET /chats/{userUuid}");
    expect(everyOperation.output).toContain("GET /chats/lists/{listKind}");
  });
});

import { execFile, spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import YAML from "yaml";
import { PROVIDERS, ROOT } from "../lib/providers.mjs";
import { fanvueUpstream } from "./support/fanvue-upstream.mjs";

let server;
let origin;
const documents = new Map();
beforeAll(async () => {
  server = createServer((req, res) => {
    const body = documents.get(req.url);
    if (body === undefined) return res.writeHead(404).end("not found");
    res.writeHead(200, { "content-type": "application/json" }).end(body);
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${server.address().port}`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

let dir;
beforeEach(() => {
  dir?.length && rmSync(dir, { recursive: true, force: true });
  dir = mkdtempSync(join(tmpdir(), "uploadkit-specs-update-"));
  cpSync(join(ROOT, "scripts"), join(dir, "scripts"), { recursive: true });
  cpSync(join(ROOT, "specs"), join(dir, "specs"), { recursive: true });
  const registry = join("packages", "providers", "src", "providers.json");
  cpSync(join(ROOT, registry), join(dir, registry));
  cpSync(join(ROOT, ".changeset", "config.json"), join(dir, ".changeset", "config.json"));
  cpSync(join(ROOT, "redocly.yaml"), join(dir, "redocly.yaml"));
  for (const provider of PROVIDERS) {
    cpSync(join(ROOT, "packages", provider, "src", "generated"), join(dir, "packages", provider, "src", "generated"), {
      recursive: true,
    });
  }
  symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"), "dir");
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function serve(path, document) {
  documents.set(path, typeof document === "string" ? document : JSON.stringify(document));
  return `${origin}${path}`;
}

/** Runs the command without blocking this process, whose server it downloads from. */
const update = (...args) =>
  new Promise((resolve) => {
    execFile(
      process.execPath,
      [join(dir, "scripts", "specs-update.mjs"), ...args],
      { encoding: "utf8" },
      (error, stdout, stderr) => resolve({ status: error ? error.code : 0, stdout, stderr }),
    );
  });
const changesets = () => readdirSync(join(dir, ".changeset")).filter((f) => f.endsWith(".md"));
const snapshot = () =>
  [
    "specs/fanvue/openapi.yaml",
    "packages/fanvue/src/generated/openapi.ts",
    ...readdirSync(join(dir, "specs/fanvue/upstream")).map((f) => `specs/fanvue/upstream/${f}`),
  ].map((file) => readFileSync(join(dir, file), "utf8"));

describe("pnpm specs:update", () => {
  it("a removed parameter is breaking → major, and flags the uploadMedia operation", async () => {
    const document = fanvueUpstream();
    const operation = document.paths["/media/{uuid}"].get;
    operation.parameters = operation.parameters.filter((parameter) => parameter.name !== "purchasedBy");
    const result = await update("fanvue", "--from", serve("/removed-parameter.json", document));
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/breaking\s+GET \/media\/\{uuid\}: parameter query purchasedBy removed/);
    expect(result.stdout).toContain("suggested bump for @uploadkit/fanvue: major");
    expect(result.stdout).toMatch(/uploadMedia uses these changed operations — check the flow code: GET \/media\/\{uuid\}/);
    const [file] = changesets();
    expect(readFileSync(join(dir, ".changeset", file), "utf8")).toMatch(/^---\n"@uploadkit\/fanvue": major\n---/);
    expect(readFileSync(join(dir, "specs/fanvue/upstream/openapi.json"), "utf8")).toBe(documents.get("/removed-parameter.json"));
    expect(readdirSync(join(dir, "specs/fanvue/upstream"))).toEqual(["openapi.json"]);
    expect(spawnSync(process.execPath, [join(dir, "scripts/generate.mjs"), "--check"]).status).toBe(0);
  });

  it("refuses a drop whose derived document would not lint, names the problem, and leaves specs/ untouched", async () => {
    const before = snapshot();
    const document = fanvueUpstream();
    const schema = document.components.schemas.createUploadSession_Response_200;
    delete schema.properties.uploadId;
    schema.required = ["mediaUuid"];
    const result = await update("fanvue", "--from", serve("/removed-field.json", document));
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("would not pass `pnpm lint:specs`");
    expect(result.stderr).toMatch(/no-invalid-media-type-examples: .*uploadId/);
    expect(result.stderr).toContain("The committed specs were left untouched.");
    expect(snapshot()).toEqual(before);
    expect(changesets()).toEqual([]);
  });

  it("a broken derivation stays an error (unresolved $ref, duplicate operation ids); design findings beside it are not", async () => {
    const before = snapshot();
    const document = fanvueUpstream();
    document.components.schemas.createUploadSession_Response_200.properties.uploadId = {
      $ref: "#/components/schemas/NoSuchSchema",
    };
    const [first] = Object.values(document.paths).map((item) => Object.values(item)[0]);
    // A literal segment beside a template, twice over: a design finding, reported but never a reason to refuse.
    document.paths["/media/{uuid}/lists"] = { get: { ...structuredClone(first), operationId: "design-only" } };
    document.paths["/media/bulk/{listId}"] = { get: { ...structuredClone(first), operationId: "design-only-2" } };
    const unresolved = await update("fanvue", "--from", serve("/unresolved.json", document));
    expect(unresolved.status).toBe(1);
    // Codegen refuses it before lint does; either way the derivation is refused, naming the $ref.
    expect(unresolved.stderr).toMatch(/Can't resolve \$ref at .*uploadId|no-unresolved-refs: .*NoSuchSchema/);
    expect(unresolved.stderr).not.toMatch(/no-ambiguous-paths/);
    expect(snapshot()).toEqual(before);

    const duplicated = fanvueUpstream();
    const [one, two] = Object.values(duplicated.paths).map((item) => Object.values(item)[0]);
    two.operationId = one.operationId;
    const twice = await update("fanvue", "--from", serve("/duplicate-ids.json", duplicated));
    expect(twice.status).toBe(1);
    expect(twice.stderr).toMatch(/unique `operationId`/);
    expect(snapshot()).toEqual(before);
  });

  it("a new optional request field is additive → minor", async () => {
    const document = fanvueUpstream();
    document.paths["/media/uploads"].post.requestBody.content["application/json"].schema.properties.caption = { type: "string" };
    const result = await update("fanvue", "--from", serve("/optional-field.json", document));
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/additive\s+POST \/media\/uploads: request body: new optional field caption/);
    expect(result.stdout).toContain("suggested bump for @uploadkit/fanvue: minor");
    expect(readFileSync(join(dir, "packages/fanvue/src/generated/openapi.ts"), "utf8")).toContain("caption?: string");
  });

  it("a description-only change → patch", async () => {
    const document = fanvueUpstream();
    document.paths["/media/uploads/{uploadId}"].patch.summary = "Finish an upload session";
    const result = await update("fanvue", "--from", serve("/docs-only.json", document));
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/docs\s+\(document\): descriptions, summaries or examples changed/);
    expect(result.stdout).not.toMatch(/breaking|additive/);
    expect(result.stdout).toContain("suggested bump for @uploadkit/fanvue: patch");
  });

  it("a removed operation that uploadMedia uses is breaking and flagged", async () => {
    const document = fanvueUpstream();
    delete document.paths["/media/uploads/{uploadId}"];
    const result = await update("fanvue", "--from", serve("/removed-operation.json", document));
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/breaking\s+PATCH \/media\/uploads\/\{uploadId\}: operation removed/);
    expect(result.stdout).toContain("suggested bump for @uploadkit/fanvue: major");
    expect(result.stdout).toMatch(
      /uploadMedia uses these changed operations — check the flow code: PATCH \/media\/uploads\/\{uploadId\}/,
    );
    expect(result.stdout).toMatch(
      /warning: specs\/fanvue\/overlay\.yaml: overlay action #\d+ \(target \$\.paths\['\/media\/uploads\/\{uploadId\}'\]\.patch\) matched nothing/,
    );
    const [file] = changesets();
    expect(readFileSync(join(dir, ".changeset", file), "utf8")).toContain("Overlay actions that no longer apply");
  });

  it("OFAuth: removing the init operation uploadMedia starts with is breaking and flagged", async () => {
    const document = YAML.parse(readFileSync(join(ROOT, "specs/ofauth/upstream/create-upload-session.yaml"), "utf8"));
    document.paths = {
      "/v2/access/self": { get: { operationId: "getSelf", summary: "Who am I", responses: { 200: { description: "ok" } } } },
    };
    const result = await update("ofauth", "--from", serve("/ofauth-no-init.json", document), "--no-changeset");
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/breaking\s+POST \/v2\/access\/uploads\/init: operation removed/);
    expect(result.stdout).toMatch(/additive\s+GET \/v2\/access\/self: operation added/);
    expect(result.stdout).toMatch(/check the flow code: POST \/v2\/access\/uploads\/init/);
    expect(changesets()).toEqual([]);
  });

  it("leaves specs/ untouched on an invalid document, a non-OpenAPI document or an unreachable URL", async () => {
    const before = snapshot();
    const invalid = await update(
      "fanvue",
      "--from",
      serve("/broken.json", '{"openapi": "3.1.0", "paths": {"/x": {"get": {"responses": {"200": {"$ref": "#/nowhere"}}}}}'),
    );
    expect(invalid.status).toBe(1);
    expect(invalid.stderr).toContain("The committed specs were left untouched.");
    const notOpenApi = await update("fanvue", "--from", serve("/not-openapi.json", { hello: "world" }));
    expect(notOpenApi.stderr).toMatch(/is not an OpenAPI 3 document/);
    const html = await update("fanvue", "--from", serve("/page.html", "<html><body>nope</body></html>"));
    expect(html.stderr).toMatch(/is not an OpenAPI 3 document|neither JSON nor YAML/);
    const missing = await update("fanvue", "--from", `${origin}/missing.json`);
    expect(missing.stderr).toMatch(/Could not download .*missing\.json: HTTP 404/);
    const closed = createServer();
    await new Promise((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const deadUrl = `http://127.0.0.1:${closed.address().port}/openapi.json`;
    await new Promise((resolve) => closed.close(resolve));
    const unreachable = await update("fanvue", "--from", deadUrl);
    expect(unreachable.stderr).toContain(`Could not reach ${deadUrl}: ECONNREFUSED`);
    const handWritten = await update("record360", "--from", serve("/r.json", fanvueUpstream()));
    expect(handWritten.stderr).toMatch(/record360 publishes no OpenAPI document/);
    expect(snapshot()).toEqual(before);
    expect(changesets()).toEqual([]);
  });

  it("the compiler decides when the rules see nothing: a renamed schema breaks code written against the old types → major, naming the file and line", async () => {
    withPackageSources("fanvue");
    const oldName = "MediaUploadsUploadIdPatchResponsesContentApplicationJsonSchemaStatus";
    const renamed = JSON.stringify(fanvueUpstream())
      .replaceAll(`"${oldName}"`, '"CompleteUploadStatus"')
      .replaceAll(`/${oldName}"`, '/CompleteUploadStatus"');
    const result = await update("fanvue", "--from", serve("/renamed-schema.json", renamed));
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).not.toMatch(/^\s+breaking\s+(GET|POST|PATCH|PUT|DELETE|\(document\))/m);
    expect(result.stdout).toMatch(/rules: patch; compiler: major/);
    expect(result.stdout).toMatch(
      /breaking\s+compiler: packages\/fanvue\/src\/fanvue-adapter\.ts:\d+: TS2339 .*MediaUploadsUploadIdPatchResponsesContentApplicationJsonSchemaStatus/,
    );
    expect(result.stdout).toContain("suggested bump for @uploadkit/fanvue: major");
    const [file] = changesets();
    const text = readFileSync(join(dir, ".changeset", file), "utf8");
    expect(text).toMatch(/^---\n"@uploadkit\/fanvue": major\n---/);
    expect(text).toMatch(/no longer compiles:\n- `packages\/fanvue\/src\/fanvue-adapter\.ts:\d+`: TS2339/);
  });

  it("the compiler agrees when nothing a client uses changed: a new optional field stays minor with the package's code compiled", async () => {
    withPackageSources("fanvue");
    const document = fanvueUpstream();
    document.paths["/media/uploads"].post.requestBody.content["application/json"].schema.properties.caption = { type: "string" };
    const result = await update("fanvue", "--from", serve("/compiles.json", document));
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/rules: minor; compiler: compiles/);
    expect(result.stdout).toContain("suggested bump for @uploadkit/fanvue: minor");
  });
});

/** The package's sources, tests, README and built types in the scratch repository, so the compiler can judge. */
function withPackageSources(provider) {
  const from = join(ROOT, "packages", provider);
  const to = join(dir, "packages", provider);
  for (const entry of ["src", "test", "dist", "README.md", "package.json", "tsconfig.json"])
    cpSync(join(from, entry), join(to, entry), { recursive: true });
  symlinkSync(join(from, "node_modules"), join(to, "node_modules"), "dir");
  cpSync(join(ROOT, "tsconfig.base.json"), join(dir, "tsconfig.base.json"));
}

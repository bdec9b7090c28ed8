// One case per rule of the differ (scripts/lib/diff-rules.mjs), schema rules in both directions: each case edits a
// copy of a small document and names the one rule, kind and bump it must produce.
import { describe, expect, it } from "vitest";
import { RULES } from "../lib/diff-rules.mjs";
import { diffSpecs, suggestedBump } from "../lib/spec-diff.mjs";

const base = () => ({
  openapi: "3.1.0",
  info: { title: "t", version: "1" },
  servers: [{ url: "https://api.example.com" }],
  security: [{ Bearer: [] }],
  components: {
    securitySchemes: { Bearer: { type: "http", scheme: "bearer" }, Key: { type: "apiKey", in: "header", name: "x-key" } },
    schemas: {
      Item: {
        type: "object",
        required: ["id", "status", "name"],
        properties: {
          id: { type: "string", format: "uuid" },
          status: { type: "string", enum: ["ready", "processing"] },
          name: { type: "string", maxLength: 100, minLength: 1 },
          note: { type: "string" },
          size: { type: "integer", maximum: 1000 },
          tags: { type: "array", items: { type: "string" }, maxItems: 10 },
          kind: { anyOf: [{ type: "string" }, { type: "integer" }] },
        },
      },
    },
  },
  paths: {
    "/items/{itemId}": {
      get: {
        parameters: [
          { name: "itemId", in: "path", required: true, schema: { type: "string" } },
          { name: "expand", in: "query", required: false, schema: { type: "string" } },
        ],
        responses: {
          200: { description: "ok", content: { "application/json": { schema: { $ref: "#/components/schemas/Item" } } } },
          404: { description: "missing" },
        },
      },
    },
    "/items": {
      post: {
        requestBody: {
          required: true,
          content: { "application/json": { schema: { $ref: "#/components/schemas/Item" } } },
        },
        responses: { 201: { description: "created" } },
      },
    },
  },
});

const GET = "GET /items/{itemId}";
const POST = "POST /items";
const item = (doc) => doc.components.schemas.Item;
const props = (doc) => item(doc).properties;
/** Schema cases use a copy of Item per direction, so one edit is read once as a request and once as a response. */
const split = (doc, direction) => {
  const copy = structuredClone(item(doc));
  doc.components.schemas.Sent = direction === "request" ? copy : structuredClone(item(doc));
  doc.components.schemas.Read = direction === "response" ? copy : structuredClone(item(doc));
  doc.paths["/items"].post.requestBody.content["application/json"].schema = { $ref: "#/components/schemas/Sent" };
  doc.paths["/items/{itemId}"].get.responses[200].content["application/json"].schema = { $ref: "#/components/schemas/Read" };
  return copy.properties;
};

/** [rule, expected kind, edit] for rules whose kind does not depend on the direction. */
const OPERATION_CASES = [
  ["operation-removed", "breaking", (d) => delete d.paths["/items"]],
  ["operation-added", "additive", (d) => (d.paths["/items"].get = { responses: { 200: { description: "ok" } } })],
  [
    "path-parameter-renamed",
    "breaking",
    (d) => {
      d.paths["/items/{id}"] = d.paths["/items/{itemId}"];
      delete d.paths["/items/{itemId}"];
      d.paths["/items/{id}"].get.parameters[0].name = "id";
    },
  ],
  [
    "parameter-added-required",
    "breaking",
    (d) =>
      d.paths["/items/{itemId}"].get.parameters.push({ name: "v", in: "header", required: true, schema: { type: "string" } }),
  ],
  [
    "parameter-added-optional",
    "additive",
    (d) => d.paths["/items/{itemId}"].get.parameters.push({ name: "v", in: "query", schema: { type: "string" } }),
  ],
  ["parameter-removed", "breaking", (d) => d.paths["/items/{itemId}"].get.parameters.pop()],
  ["parameter-became-required", "breaking", (d) => (d.paths["/items/{itemId}"].get.parameters[1].required = true)],
  [
    "parameter-became-optional",
    "additive",
    (d) => {
      d.paths["/items/{itemId}"].get.parameters[1].required = true;
      return "before";
    },
  ],
  [
    "request-body-added-required",
    "breaking",
    (d) =>
      (d.paths["/items/{itemId}"].get.requestBody = {
        required: true,
        content: { "application/json": { schema: { type: "object" } } },
      }),
  ],
  [
    "request-body-added-optional",
    "additive",
    (d) => (d.paths["/items/{itemId}"].get.requestBody = { content: { "application/json": { schema: { type: "object" } } } }),
  ],
  ["request-body-removed", "breaking", (d) => delete d.paths["/items"].post.requestBody],
  [
    "request-body-became-required",
    "breaking",
    (d) => {
      d.paths["/items"].post.requestBody.required = false;
      return "before";
    },
  ],
  ["request-body-became-optional", "additive", (d) => (d.paths["/items"].post.requestBody.required = false)],
  [
    "request-media-type-removed",
    "breaking",
    (d) => {
      const content = d.paths["/items"].post.requestBody.content;
      content["application/x-www-form-urlencoded"] = content["application/json"];
      return "before";
    },
  ],
  [
    "request-media-type-added",
    "additive",
    (d) => (d.paths["/items"].post.requestBody.content["text/plain"] = { schema: { type: "string" } }),
  ],
  [
    "response-status-moved",
    "breaking",
    (d) => {
      d.paths["/items"].post.responses = { 200: { description: "ok" } };
    },
  ],
  [
    "response-success-status-removed",
    "breaking",
    (d) => {
      d.paths["/items"].post.responses[202] = { description: "accepted" };
      return "before";
    },
  ],
  ["response-success-status-added", "breaking", (d) => (d.paths["/items"].post.responses[202] = { description: "accepted" })],
  ["response-error-status-removed", "compatible", (d) => delete d.paths["/items/{itemId}"].get.responses[404]],
  ["response-error-status-added", "additive", (d) => (d.paths["/items"].post.responses[429] = { description: "slow down" })],
  [
    "response-media-type-removed",
    "breaking",
    (d) => delete d.paths["/items/{itemId}"].get.responses[200].content["application/json"],
  ],
  [
    "response-media-type-added",
    "additive",
    (d) => (d.paths["/items/{itemId}"].get.responses[200].content["text/plain"] = { schema: { type: "string" } }),
  ],
  ["security-requirement-added", "breaking", (d) => (d.paths["/items"].post.security = [{ Key: [] }])],
  ["security-requirement-removed", "additive", (d) => (d.paths["/items"].post.security = [{ Bearer: [] }, { Key: [] }])],
  ["security-scheme-changed", "breaking", (d) => (d.components.securitySchemes.Key.name = "x-api-key")],
  ["server-removed", "breaking", (d) => (d.servers = [])],
  ["server-added", "additive", (d) => d.servers.push({ url: "https://eu.api.example.com" })],
  ["docs-changed", "docs", (d) => (d.paths["/items"].post.description = "Creates an item.")],
];

/** [rule, [kind in a request, kind in a response], edit of Item's properties, edit of both documents first]: each read once as a request body and once as a response body. */
const SCHEMA_CASES = [
  [
    "field-added-required",
    ["breaking", "additive"],
    (p, s) => {
      p.extra = { type: "string" };
      s.required.push("extra");
    },
  ],
  ["field-added-optional", ["additive", "additive"], (p) => (p.extra = { type: "string" })],
  ["field-removed", ["breaking", "breaking"], (p) => delete p.note],
  ["field-became-required", ["breaking", "compatible"], (_p, s) => s.required.push("note")],
  ["field-became-optional", ["additive", "breaking"], (_p, s) => (s.required = s.required.filter((n) => n !== "name"))],
  ["nullable-added", ["additive", "breaking"], (p) => (p.note.type = ["string", "null"])],
  [
    "nullable-removed",
    ["breaking", "compatible"],
    (p) => {
      p.note.type = ["string", "null"];
      return "before";
    },
  ],
  ["type-widened", ["additive", "breaking"], (p) => (p.size.type = "number")],
  [
    "type-narrowed",
    ["breaking", "compatible"],
    (p) => {
      p.size.type = "number";
      return "before";
    },
  ],
  ["type-changed", ["breaking", "breaking"], (p) => (p.note.type = "boolean")],
  ["format-widened", ["additive", "breaking"], (p) => delete p.id.format],
  ["format-narrowed", ["breaking", "compatible"], (p) => (p.note.format = "uri")],
  ["format-changed", ["breaking", "breaking"], (p) => (p.id.format = "uri")],
  ["enum-widened", ["additive", "breaking"], (p) => p.status.enum.push("failed")],
  ["enum-narrowed", ["breaking", "compatible"], (p) => p.status.enum.pop()],
  ["constraint-tightened", ["breaking", "compatible"], (p) => (p.name.maxLength = 50)],
  ["constraint-loosened", ["additive", "breaking"], (p) => (p.tags.maxItems = 20)],
  ["constraint-changed", ["breaking", "breaking"], (p) => (p.note.pattern = "^b"), (p) => (p.note.pattern = "^a")],
  ["alternatives-added", ["additive", "breaking"], (p) => p.kind.anyOf.push({ type: "boolean" })],
  ["alternatives-removed", ["breaking", "compatible"], (p) => p.kind.anyOf.pop()],
];

const BUMP = { breaking: "major", additive: "minor", compatible: "patch", docs: "patch" };

/** Applies an edit to the after document; an edit answering "before" describes the old document instead. */
function pair(edit) {
  const before = base();
  const after = base();
  return edit(after) === "before" ? [after, base()] : [before, after];
}

describe("spec differ: one case per rule", () => {
  it("every rule has a case", () => {
    const covered = new Set([...OPERATION_CASES, ...SCHEMA_CASES].map(([rule]) => rule));
    expect(Object.keys(RULES).filter((rule) => !covered.has(rule))).toEqual([]);
  });

  it.each(OPERATION_CASES)("%s", (rule, kind, edit) => {
    const [before, after] = pair(edit);
    const changes = diffSpecs(before, after);
    expect(changes.map((c) => c.rule)).toContain(rule);
    const change = changes.find((c) => c.rule === rule);
    expect(change.kind).toBe(kind);
    expect(suggestedBump([change])).toBe(BUMP[kind]);
    const unexpected = changes.filter((c) => c.rule !== rule && c.kind !== "additive");
    // A moved status or a renamed path compares the bodies too; nothing else may come out of one edit.
    expect(unexpected).toEqual([]);
  });

  for (const direction of ["request", "response"]) {
    it.each(SCHEMA_CASES)(`%s in a ${direction}`, (rule, kinds, edit, prepare) => {
      const kind = kinds[direction === "request" ? 0 : 1];
      const before = base();
      const after = base();
      if (prepare) for (const doc of [before, after]) prepare(props(doc));
      split(before, direction);
      const target = split(after, direction);
      const schema = after.components.schemas[direction === "request" ? "Sent" : "Read"];
      const [old, next] = edit(target, schema) === "before" ? [after, before] : [before, after];
      const changes = diffSpecs(old, next);
      expect(changes.map((c) => c.rule)).toEqual([rule]);
      expect(changes[0].kind).toBe(kind);
      expect(changes[0].operation).toBe(direction === "request" ? POST : GET);
      expect(suggestedBump(changes)).toBe(BUMP[kind]);
    });
  }

  it("nothing changed → no change and no bump; descriptions only → patch", () => {
    expect(diffSpecs(base(), base())).toEqual([]);
    expect(suggestedBump([])).toBe("none");
    const after = base();
    item(after).description = "An item.";
    expect(suggestedBump(diffSpecs(base(), after))).toBe("patch");
  });

  it("the bump is the largest of the changes", () => {
    const after = base();
    props(after).extra = { type: "string" };
    delete after.paths["/items/{itemId}"].get.responses[404];
    expect(suggestedBump(diffSpecs(base(), after))).toBe("minor");
    after.paths["/items/{itemId}"].get.parameters[1].required = true;
    expect(suggestedBump(diffSpecs(base(), after))).toBe("major");
  });

  it("3.0 `nullable: true` and a `{type: null}` alternative count as null allowed", () => {
    const after = base();
    props(after).note = { anyOf: [{ type: "string" }, { type: "null" }] };
    const before = base();
    props(before).note = { type: "string", nullable: true };
    expect(diffSpecs(before, after).filter((c) => c.rule.startsWith("nullable"))).toEqual([]);
  });
});

import { describe, expect, it } from "vitest";
import { applyOverlay } from "../lib/apply-overlay.mjs";

const overlay = (actions) => ({ overlay: "1.0.0", info: { title: "t", version: "1" }, actions });

describe("applyOverlay (OpenAPI Overlay 1.0)", () => {
  const document = {
    paths: {
      "/a": { get: { responses: { 200: { description: "ok" }, 401: { description: "x", content: {} } } } },
      "/b": { post: { responses: { 201: { description: "ok" } }, tags: ["One"] } },
    },
  };

  it("merges updates into every node a wildcard target matches", () => {
    const result = applyOverlay(
      document,
      overlay([{ target: "$.paths.*.*.responses", update: { 429: { $ref: "#/x" } } }]),
    ).document;
    expect(result.paths["/a"].get.responses[429]).toEqual({ $ref: "#/x" });
    expect(result.paths["/b"].post.responses[429]).toEqual({ $ref: "#/x" });
    expect(result.paths["/a"].get.responses[200]).toEqual({ description: "ok" });
  });

  it("merges objects recursively, appends to arrays and adds what upstream lacks", () => {
    const { document: result, collisions } = applyOverlay(
      document,
      overlay([
        { target: "$.paths['/b'].post", update: { tags: ["Two"] } },
        { target: "$.paths['/b'].post.responses['201']", update: { headers: { X: { schema: {} } } } },
      ]),
    );
    expect(result.paths["/b"].post.tags).toEqual(["One", "Two"]);
    expect(result.paths["/b"].post.responses[201]).toEqual({ description: "ok", headers: { X: { schema: {} } } });
    expect(collisions).toEqual([]);
  });

  it("keeps what upstream publishes and reports the action, by name, with what it collided with", () => {
    const { document: result, collisions } = applyOverlay(
      document,
      overlay([
        {
          target: "$.paths['/b'].post",
          description: "Describe the create call. More text.",
          update: { responses: { 201: { description: "made" } } },
        },
        { target: "$.paths['/a'].get.responses", update: { 200: { $ref: "#/components/responses/Ok" } } },
        {
          target: "$.paths['/a'].get",
          update: { parameters: [{ name: "id", in: "query", schema: { type: "string" } }] },
        },
      ]),
    );
    expect(result.paths["/b"].post.responses[201]).toEqual({ description: "ok" });
    expect(result.paths["/a"].get.responses[200]).toEqual({ description: "ok" });
    expect(collisions).toEqual([
      `overlay action #0 "Describe the create call." (target $.paths['/b'].post): $.paths['/b'].post.responses['201'] is already published upstream — kept upstream's; the overlay's copy was not merged into it`,
      `overlay action #1 (target $.paths['/a'].get.responses): $.paths['/a'].get.responses['200'] is already published upstream — kept upstream's; the overlay's copy was not merged into it`,
    ]);
  });

  it("reports a parameter upstream already declares instead of adding a duplicate", () => {
    const withParameter = {
      paths: { "/a": { get: { parameters: [{ name: "id", in: "query", schema: { type: "integer" } }] } } },
    };
    const { document: result, collisions } = applyOverlay(
      withParameter,
      overlay([{ target: "$.paths['/a'].get.parameters", update: [{ name: "id", in: "query", schema: { type: "string" } }] }]),
    );
    expect(result.paths["/a"].get.parameters).toHaveLength(1);
    expect(collisions).toEqual([
      `overlay action #0 (target $.paths['/a'].get.parameters): $.paths['/a'].get.parameters[0] (query parameter "id") is already published upstream — kept upstream's`,
    ]);
  });

  it("replaces a published value only when the action says why with x-upstream-override", () => {
    const { document: result, collisions } = applyOverlay(
      document,
      overlay([
        {
          target: "$.paths['/b'].post.responses['201']",
          "x-upstream-override": "The published description is wrong (source).",
          update: { description: "made" },
        },
      ]),
    );
    expect(result.paths["/b"].post.responses[201]).toEqual({ description: "made" });
    expect(collisions).toEqual([]);
  });

  it("reports an update identical to what upstream now publishes, so the action can go", () => {
    const { collisions } = applyOverlay(
      document,
      overlay([{ target: "$.paths['/b'].post", update: { responses: { 201: { description: "ok" } } } }]),
    );
    expect(collisions).toEqual([
      `overlay action #0 (target $.paths['/b'].post): $.paths['/b'].post.responses['201'].description is already published upstream with the same value — the action can go`,
    ]);
  });

  it("removes matched nodes", () => {
    const result = applyOverlay(document, overlay([{ target: "$.paths.*.*.responses[401]", remove: true }])).document;
    expect(result.paths["/a"].get.responses).toEqual({ 200: { description: "ok" } });
  });

  it("does not modify its input", () => {
    const before = structuredClone(document);
    applyOverlay(document, overlay([{ target: "$.paths", update: { "/c": {} } }]));
    expect(document).toEqual(before);
  });

  it("reports each action whose target matches nothing, so an upstream change cannot silently skip one", () => {
    const { unmatched } = applyOverlay(
      document,
      overlay([
        { target: "$.paths['/gone']", update: {} },
        { target: "$.paths", update: {} },
      ]),
    );
    expect(unmatched).toEqual(["overlay action #0 (target $.paths['/gone']) matched nothing"]);
  });

  it("rejects a document that is not an overlay", () => {
    expect(() => applyOverlay(document, { actions: [] })).toThrow(/Not an OpenAPI Overlay/);
  });
});

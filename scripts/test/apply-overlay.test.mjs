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

  it("merges objects recursively, appends to arrays and replaces scalars", () => {
    const result = applyOverlay(
      document,
      overlay([{ target: "$.paths['/b'].post", update: { tags: ["Two"], responses: { 201: { description: "made" } } } }]),
    ).document;
    expect(result.paths["/b"].post.tags).toEqual(["One", "Two"]);
    expect(result.paths["/b"].post.responses[201]).toEqual({ description: "made" });
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
    expect(unmatched).toEqual(["overlay action #0 ($.paths['/gone']) matched nothing"]);
  });

  it("rejects a document that is not an overlay", () => {
    expect(() => applyOverlay(document, { actions: [] })).toThrow(/Not an OpenAPI Overlay/);
  });
});

import { describe, expect, it } from "vitest";
import type { RuntimeParts } from "../src/core/runtime/runtime-parts.js";
import * as node from "../src/node/runtime.js";
import * as web from "../src/web/runtime.js";

// Both runtime modules are what the core expects of `#runtime`, name for name (a mismatch is a type error here).
const parts: Record<"node" | "web", RuntimeParts> = { node, web };

describe("runtime parts", () => {
  it("node and web export the same names, and nothing else", () => {
    expect(Object.keys(web).sort()).toEqual(Object.keys(node).sort());
    expect(parts.node.runtimeName).toBe("node");
    expect(parts.web.runtimeName).toBe("web");
  });
});

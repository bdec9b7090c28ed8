import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { Md5Lanes } from "../src/core/http/md5-lanes.js";
import { MD5_LANES_LAYOUT, md5LanesModuleBytes } from "../src/core/http/md5-lanes-wasm.js";
import { MD5_LANES_MODULE_BASE64 } from "../src/node/md5-lanes-module.js";

// The library's lib setting has no DOM types; WebAssembly is a global of every Node since 8.
const wasm = (globalThis as unknown as { WebAssembly: { Module: new (bytes: Uint8Array) => object } }).WebAssembly;

/** The text of src/node/md5-lanes-module.ts for the module `base64` encodes. */
function moduleSource(base64: string): string {
  return [
    "// Generated from core/http/md5-lanes-wasm.ts by test/md5-lanes-module.test.ts (`vitest run -u` in packages/multipart",
    "// writes it again after the module changes; CI fails while they differ). Node decodes these bytes instead of",
    "// assembling them, which takes ~16 ms of a cold main thread on the way to a process's first upload; the web build",
    "// assembles them (this text would weigh more than the code that writes it).",
    "",
    "/** The multi-lane MD5 module's bytes (`md5LanesModuleBytes()`), in base64. */",
    "export const MD5_LANES_MODULE_BASE64 =",
    `  "${base64}";`,
    "",
  ].join("\n");
}

describe("the MD5 module's bytes Node decodes", () => {
  it("are the bytes md5-lanes-wasm.ts assembles", async () => {
    const assembled = Buffer.from(md5LanesModuleBytes()).toString("base64");
    await expect(moduleSource(assembled)).toMatchFileSnapshot("../src/node/md5-lanes-module.ts");
    expect(MD5_LANES_MODULE_BASE64).toBe(assembled);
  });

  it("compile and hash as MD5 does", () => {
    const lanes = new Md5Lanes(new wasm.Module(Buffer.from(MD5_LANES_MODULE_BASE64, "base64")), MD5_LANES_LAYOUT);
    const probe = Uint8Array.from({ length: 100_000 }, (_, index) => (index * 7919 + 13) & 0xff);
    expect(lanes.selfCheck(probe, createHash("md5").update(probe).digest("hex"))).toBe(true);
  });
});

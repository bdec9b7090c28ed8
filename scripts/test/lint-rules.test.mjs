import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ROOT } from "../lib/providers.mjs";

// The source rules `pnpm lint` enforces, run by the same tools with the repository's own configs on a scratch tree:
// each must fail on its class of input and pass the same tree without it.

const scratches = [];
afterAll(() => {
  for (const dir of scratches) rmSync(dir, { recursive: true, force: true });
});

/** A scratch tree with the lint configs, the repository's node_modules, and `files` (path → text). */
function scratch(files) {
  const dir = mkdtempSync(join(tmpdir(), "uploadkit-lint-"));
  scratches.push(dir);
  for (const config of ["eslint.config.mjs", ".dependency-cruiser.cjs"]) cpSync(join(ROOT, config), join(dir, config));
  symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"), "dir");
  mkdirSync(join(dir, "packages", "multipart"), { recursive: true });
  symlinkSync(join(ROOT, "packages", "multipart", "node_modules"), join(dir, "packages", "multipart", "node_modules"), "dir");
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

const run = (dir, bin, ...args) => {
  const result = spawnSync(join(ROOT, "node_modules", ".bin", bin), args, { cwd: dir, encoding: "utf8" });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
};

/** `lines` physical lines of TypeScript, most of them inside JSDoc blocks (which Biome's line count skipped). */
function sourceOfLines(lines) {
  const out = [];
  for (let n = 0; out.length + 5 <= lines; n++) out.push("/**", ` * Value ${n}.`, " */", `export const v${n} = ${n};`, "");
  for (let n = 0; out.length < lines; n++) out.push(`export const w${n} = ${n};`);
  return `${out.join("\n")}\n`;
}

describe("pnpm lint:lines (ESLint max-lines)", () => {
  it("fails on a 401-line source file, block comments and blank lines included, and passes one of 400", () => {
    const dir = scratch({
      "packages/multipart/src/core/at-limit.ts": sourceOfLines(400),
      "packages/fanvue/src/over-limit.ts": sourceOfLines(401),
      "packages/fanvue/src/generated/huge.ts": sourceOfLines(2000),
      "packages/fanvue/dist/built.js": sourceOfLines(2000),
    });
    const { status, output } = run(dir, "eslint", ".");
    expect(status).toBe(1);
    expect(output).toContain("over-limit.ts");
    expect(output).toContain("File has too many lines (401)");
    expect(output).not.toContain("at-limit.ts");
    expect(output).not.toContain("huge.ts");
    expect(output).not.toContain("built.js");

    rmSync(join(dir, "packages/fanvue/src/over-limit.ts"));
    expect(run(dir, "eslint", ".").status).toBe(0);
  });

  it("covers tests, scripts and examples too", () => {
    for (const path of ["packages/reliability/test/long.test.ts", "scripts/long.mjs", "examples/page/long.ts"]) {
      const dir = scratch({ [path]: sourceOfLines(401) });
      const { status, output } = run(dir, "eslint", ".");
      expect(status, path).toBe(1);
      expect(output).toContain("File has too many lines (401)");
    }
  });
});

describe("pnpm lint:deps (dependency-cruiser)", () => {
  const clean = {
    "packages/multipart/src/core/engine.ts": 'import { part } from "./part.js";\nexport const engine = part;\n',
    "packages/multipart/src/core/part.ts": "export const part = 1;\n",
    "packages/multipart/src/node/file.ts":
      'import { readFileSync } from "node:fs";\nimport { engine } from "../core/engine.js";\nexport const file = [readFileSync, engine];\n',
  };
  const cruise = (dir) =>
    run(dir, "depcruise", "packages/multipart/src", "packages/fanvue/src", "--config", ".dependency-cruiser.cjs");

  it("passes a tree that keeps the rules", () => {
    const dir = scratch({ ...clean, "packages/fanvue/src/index.ts": "export const fanvue = 1;\n" });
    const { status, output } = cruise(dir);
    expect(output).toContain("no dependency violations found");
    expect(status).toBe(0);
  });

  it("fails on an import cycle in any package", () => {
    const dir = scratch({
      ...clean,
      "packages/fanvue/src/a.ts": 'import { b } from "./b.js";\nexport const a = () => b;\n',
      "packages/fanvue/src/b.ts": 'import { a } from "./a.js";\nexport const b = () => a;\n',
    });
    const { status, output } = cruise(dir);
    expect(status).not.toBe(0);
    expect(output).toMatch(/no-circular: packages\/fanvue\/src\/a\.ts/);
  });

  it("fails on a Node built-in in core, even imported for its types only", () => {
    const dir = scratch({
      ...clean,
      "packages/fanvue/src/index.ts": "export const fanvue = 1;\n",
      "packages/multipart/src/core/part.ts":
        'import type { Readable } from "node:stream";\nexport const part: Readable | 1 = 1;\n',
    });
    const { status, output } = cruise(dir);
    expect(status).not.toBe(0);
    expect(output).toMatch(/core-no-node-builtins: packages\/multipart\/src\/core\/part\.ts → (node:)?stream/);
  });

  it("fails on a Node-only package's types in core, and on core reaching into node/ or web/", () => {
    const dir = scratch({
      ...clean,
      "packages/fanvue/src/index.ts": "export const fanvue = 1;\n",
      "packages/multipart/src/core/part.ts":
        'import type { Dispatcher } from "undici";\nimport { file } from "../node/file.js";\nexport const part: Dispatcher | unknown = file;\n',
      "packages/multipart/src/node/file.ts": "export const file = 1;\n",
    });
    const { status, output } = cruise(dir);
    expect(status).not.toBe(0);
    expect(output).toMatch(/core-no-node-only-packages: packages\/multipart\/src\/core\/part\.ts → \S*undici/);
    expect(output).toMatch(
      /core-not-runtime-folders: packages\/multipart\/src\/core\/part\.ts → packages\/multipart\/src\/node\/file\.ts/,
    );
  });
});

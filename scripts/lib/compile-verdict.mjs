// The compiler's verdict on a spec update: the code written against a provider's old generated types — the package's
// sources, its tests and its README's TypeScript examples — type-checked once against the old types and once against
// the new. An error the new types bring that the old did not is a breaking change, whatever the differ's rules said.
// (openai-node's Stainless pipeline does the same: the previous revision's tests compiled against the new SDK.)
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, relative } from "node:path";
import { ROOT } from "./providers.mjs";
import { prelude, readmeBlocks } from "./readme-blocks.mjs";

const SCRATCH = ".compile-verdict";
const CONFIG = "tsconfig.compile-verdict.json";

/**
 * Prepares the check for a provider's package. `baseline()` type-checks against the types in place now; after the
 * new types are written, `verdict()` type-checks again and returns the errors that are new, each with the file and
 * line of the code that broke (README examples by their README line). Undefined when the package has no sources here.
 */
export function compileCheck(provider) {
  const packageDir = join(ROOT, "packages", provider);
  if (!existsSync(join(packageDir, "tsconfig.json"))) return undefined;
  let before;
  return {
    baseline() {
      before = typeCheck(packageDir, provider);
      return before;
    },
    verdict() {
      const after = typeCheck(packageDir, provider);
      const known = new Set(before.errors.map((e) => e.key));
      return { ...after, errors: after.errors.filter((e) => !known.has(e.key)) };
    },
  };
}

function typeCheck(packageDir, provider) {
  const scratch = join(packageDir, SCRATCH);
  const config = join(packageDir, CONFIG);
  const sources = new Map();
  try {
    rmSync(scratch, { recursive: true, force: true });
    mkdirSync(scratch);
    const readme = join(packageDir, "README.md");
    const manifest = JSON.parse(readFileSync(join(packageDir, "package.json"), "utf8"));
    if (existsSync(readme)) {
      for (const [index, block] of readmeBlocks(readFileSync(readme, "utf8")).entries()) {
        const head = prelude(provider, manifest.name, block.code);
        const file = join(scratch, `readme-${index + 1}.ts`);
        writeFileSync(file, `${head}${block.code}`);
        sources.set(file, { readme, firstLine: block.line, offset: head.split("\n").length - 1 });
      }
    }
    writeFileSync(
      config,
      JSON.stringify({ extends: "./tsconfig.json", compilerOptions: { noEmit: true }, include: ["src", "test", SCRATCH] }),
    );
    const tsc = createRequire(join(ROOT, "package.json")).resolve("typescript/bin/tsc");
    const run = spawnSync(process.execPath, [tsc, "-p", config, "--pretty", "false"], {
      cwd: packageDir,
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
    });
    if (run.error) throw run.error;
    const errors = [];
    for (const line of run.stdout.split("\n")) {
      const match = /^(.+?)\((\d+),(\d+)\): error (TS\d+): (.*)$/.exec(line);
      if (!match) continue;
      const [, file, row, column, code, message] = match;
      const absolute = join(packageDir, file);
      const block = sources.get(absolute);
      const where = block
        ? `${relative(ROOT, block.readme)}:${block.firstLine + Number(row) - 1 - block.offset}`
        : `${relative(ROOT, absolute)}:${row}`;
      errors.push({ key: `${file}:${row}:${column}:${code}`, where, code, message });
    }
    return { ran: true, errors };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
    rmSync(config, { force: true });
  }
}

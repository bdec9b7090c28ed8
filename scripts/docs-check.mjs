#!/usr/bin/env node
// Fails when docs/api (the API reference TypeDoc generates from the JSDoc) does not match the sources:
// regenerates it into a scratch folder and compares. Fix with `pnpm docs:api`.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { ROOT } from "./lib/providers.mjs";

const scratch = mkdtempSync(join(tmpdir(), `uploadkit-docs-${process.pid}-`));
try {
  execFileSync(process.execPath, [join(ROOT, "node_modules/typedoc/bin/typedoc"), "--out", scratch, "--logLevel", "Error"], {
    cwd: ROOT,
    stdio: ["ignore", "inherit", "inherit"],
  });
  const list = (root) => {
    const walk = (dir) =>
      readdirSync(dir).flatMap((name) => (statSync(join(dir, name)).isDirectory() ? walk(join(dir, name)) : [join(dir, name)]));
    return walk(root)
      .map((path) => relative(root, path))
      .sort();
  };
  const committed = join(ROOT, "docs/api");
  const expected = list(scratch);
  const actual = list(committed);
  const stale = [
    ...expected.filter((file) => !actual.includes(file)).map((file) => `missing ${file}`),
    ...actual.filter((file) => !expected.includes(file)).map((file) => `extra ${file}`),
    ...expected
      .filter((file) => actual.includes(file))
      .filter((file) => readFileSync(join(scratch, file), "utf8") !== readFileSync(join(committed, file), "utf8"))
      .map((file) => `changed ${file}`),
  ];
  if (stale.length > 0) {
    console.error(
      `docs/api is out of date (${stale.length} files): run pnpm docs:api and commit.\n  ${stale.slice(0, 20).join("\n  ")}`,
    );
    process.exit(1);
  }
  console.log(`docs/api matches the sources (${expected.length} files).`);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

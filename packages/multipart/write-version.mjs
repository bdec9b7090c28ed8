// Writes src/generated/version.ts from package.json (`pnpm generate`, before every build and typecheck): the
// version reaches the User-Agent in every runtime, web builds included, with no file read at run time.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";

const { version } = JSON.parse(readFileSync(new URL("package.json", import.meta.url), "utf8"));
const folder = new URL("src/generated/", import.meta.url);
mkdirSync(folder, { recursive: true });
writeFileSync(
  new URL("version.ts", folder),
  `// Written by write-version.mjs from package.json; not edited by hand.\nexport const PACKAGE_VERSION = ${JSON.stringify(version)};\n`,
);

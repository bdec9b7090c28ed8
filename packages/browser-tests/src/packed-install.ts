import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const ROOT = new URL("../../../", import.meta.url).pathname;
/** What a web app installs: the provider packages and what they depend on. */
const PACKED = ["providers", "multipart", "fanvue", "ofauth", "record360", "flowkiwi", "redis"];

const run = (command: string, args: string[], cwd: string) =>
  execFileSync(command, args, {
    cwd,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, npm_config_update_notifier: "false", npm_config_fund: "false", npm_config_audit: "false" },
  });

/**
 * An app folder as a web developer has it: `files` copied in, and our packages installed with npm from their packed
 * tarballs (no workspace links, no hoisting help). Returns the folder.
 */
export function installPacked(work: string, copies: { from: string; names: string[]; into?: string }[]): string {
  const packs = join(work, "packs");
  const app = join(work, "app");
  mkdirSync(packs, { recursive: true });
  mkdirSync(app, { recursive: true });
  const tarballs = PACKED.map((name) => {
    run("pnpm", ["pack", "--pack-destination", packs], join(ROOT, "packages", name));
    return join(packs, readdirSync(packs).find((file) => file.startsWith(`uploadkit-${name}-`)) as string);
  });
  writeFileSync(join(app, "package.json"), JSON.stringify({ name: "web-app", private: true, type: "module" }));
  run("npm", ["install", "--no-package-lock", ...tarballs], app);
  for (const { from, names, into = "." } of copies) {
    mkdirSync(join(app, into), { recursive: true });
    for (const name of names) cpSync(join(from, name), join(app, into, name), { recursive: true });
  }
  return app;
}

#!/usr/bin/env node
// Runs Redocly CLI with its telemetry, update notices and announcements off, and without the Node 20 deprecation box
// it prints unconditionally (a notice for us, not a finding about the specs). Everything else it prints, and its
// exit code, pass through unchanged.
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const require = createRequire(import.meta.url);
const cli = join(dirname(require.resolve("@redocly/cli/package.json")), "bin", "cli.js");
const child = spawn(process.execPath, [cli, ...process.argv.slice(2)], {
  stdio: ["ignore", "inherit", "pipe"],
  env: {
    ...process.env,
    REDOCLY_TELEMETRY: "off",
    REDOCLY_SUPPRESS_NOTIFICATIONS: "true",
    REDOCLY_SUPPRESS_UPDATE_NOTICE: "true",
  },
});
let buffered = "";
let inBox = false;
const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, "g");
child.stderr.setEncoding("utf8");
child.stderr.on("data", (chunk) => {
  buffered += chunk;
  const lines = buffered.split("\n");
  buffered = lines.pop() ?? "";
  for (const line of lines) {
    const plain = line.replace(ANSI, "");
    const boxed = /^\s*[╔║╚]/.test(plain);
    if (/^\s*╔/.test(plain)) inBox = true;
    if (!inBox && !boxed) process.stderr.write(`${line}\n`);
    if (/^\s*╚/.test(plain)) inBox = false;
  }
});
child.on("close", (code) => {
  if (buffered) process.stderr.write(buffered);
  process.exit(code ?? 1);
});

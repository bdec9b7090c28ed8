#!/usr/bin/env node
// What the test suites need from Debian, installed when missing, so that `pnpm test:all` stands alone on a fresh
// machine: Chromium (the browser suite, driven by playwright-core) and redis-server (the upload-route, fleet and
// BullMQ suites start their own). Ceph, for `pnpm test:s3`, is installed by that script when it runs. As root the
// packages are installed with apt-get; otherwise the one command to run is printed and the run stops.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

const NEEDED = [
  { name: "chromium", present: () => existsSync(process.env.UPLOADKIT_CHROMIUM ?? "/usr/bin/chromium") },
  {
    name: "redis-server",
    present: () =>
      existsSync(process.env.UPLOADKIT_REDIS_SERVER ?? "/usr/bin/redis-server") ||
      spawnSync("redis-server", ["--version"], { stdio: "ignore" }).status === 0,
  },
];

// `--with-ceph` (the GitHub workflow, whose test step does not run as root): Ceph for `pnpm test:s3` too.
if (process.argv.includes("--with-ceph")) {
  NEEDED.push(
    ...["ceph-mon", "ceph-osd", "radosgw"].map((name) => ({
      name,
      present: () => spawnSync("sh", ["-c", `command -v ${name}`], { stdio: "ignore" }).status === 0,
    })),
  );
}
const missing = NEEDED.filter((tool) => !tool.present()).map((tool) => tool.name);
if (missing.length === 0) process.exit(0);
const command = `apt-get install -y --no-install-recommends ${missing.join(" ")}`;
if (process.getuid?.() !== 0) {
  console.error(`The test suites need ${missing.join(" and ")}, which are not installed. Run, as root:\n  ${command}`);
  process.exit(1);
}
const started = performance.now();
const apt = (args) =>
  execFileSync("apt-get", args, {
    stdio: ["ignore", "ignore", "inherit"],
    env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
  });
console.log(`[system packages] installing ${missing.join(", ")} from Debian…`);
try {
  apt(["install", "-y", "-qq", "--no-install-recommends", ...missing]);
} catch {
  apt(["update", "-qq"]);
  apt(["install", "-y", "-qq", "--no-install-recommends", ...missing]);
}
console.log(`[system packages] installed in ${((performance.now() - started) / 1000).toFixed(1)} s`);

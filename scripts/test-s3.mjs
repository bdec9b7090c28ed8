#!/usr/bin/env node
// `pnpm test:s3`: the end-to-end suite (packages/reliability/s3) on a real S3 engine. When UPLOADKIT_S3_ENDPOINT
// (with _BUCKET, _ACCESS_KEY_ID, _SECRET_ACCESS_KEY) names one, the suite runs on it. Otherwise this script installs
// Debian's Ceph packages if they are missing, starts a single-node Ceph + radosgw on 127.0.0.1 (free ports, data in
// memory and a temporary folder), runs the suite on it and stops exactly what it started — also on failure and on
// Ctrl-C/SIGTERM. It prints how long installing, starting, testing and stopping took.
import { execFileSync, spawn } from "node:child_process";
import { join } from "node:path";
import { aptInstall } from "./lib/apt-install.mjs";
import { ROOT } from "./lib/providers.mjs";

const seconds = (since) => `${((performance.now() - since) / 1000).toFixed(1)} s`;
const say = (line) => console.log(`[test:s3] ${line}`);

execFileSync("pnpm", ["exec", "turbo", "run", "build", "--filter=@uploadkit/reliability...", "--output-logs=errors-only"], {
  cwd: ROOT,
  stdio: "inherit",
});
const sandbox = await import(join(ROOT, "packages/sandbox/dist/index.js"));

let ceph;
if (process.env.UPLOADKIT_S3_ENDPOINT) {
  say(`using the S3 engine at ${process.env.UPLOADKIT_S3_ENDPOINT} (UPLOADKIT_S3_ENDPOINT)`);
} else {
  installCeph();
  const started = performance.now();
  ceph = await sandbox.startLocalCeph({ bucket: "uploadkit-e2e" });
  say(`started a local Ceph (mon, osd, radosgw: pids ${ceph.pids.join(", ")}) at ${ceph.config.endpoint} in ${seconds(started)}`);
}

const env = { ...process.env };
if (ceph) {
  Object.assign(env, {
    UPLOADKIT_S3_ENDPOINT: ceph.config.endpoint,
    UPLOADKIT_S3_BUCKET: ceph.config.bucket,
    UPLOADKIT_S3_REGION: ceph.config.region,
    UPLOADKIT_S3_ACCESS_KEY_ID: ceph.config.accessKeyId,
    UPLOADKIT_S3_SECRET_ACCESS_KEY: ceph.config.secretAccessKey,
  });
}

const tested = performance.now();
const suite = spawn("pnpm", ["--filter", "@uploadkit/reliability", "test:s3", ...process.argv.slice(2)], {
  cwd: ROOT,
  env,
  stdio: "inherit",
});
let stopping = false;
const stop = async (code) => {
  if (stopping) return;
  stopping = true;
  if (suite.exitCode === null && suite.signalCode === null) suite.kill("SIGTERM");
  if (ceph) {
    const stopped = performance.now();
    await ceph.stop();
    say(`stopped the local Ceph and removed its data in ${seconds(stopped)}`);
  }
  process.exit(code);
};
process.on("SIGINT", () => stop(130));
process.on("SIGTERM", () => stop(143));
suite.on("exit", (code, signal) => {
  say(`suite ${code === 0 ? "passed" : "failed"} in ${seconds(tested)}`);
  stop(code ?? (signal ? 1 : 0));
});

function installCeph() {
  if (sandbox.missingCephCommands().length === 0) return;
  const packages = sandbox.CEPH_PACKAGES;
  const root = process.getuid?.() === 0;
  if (!root) {
    throw new Error(
      `Ceph is not installed. Run \`sudo apt-get install --no-install-recommends ${packages.join(" ")}\`, ` +
        "or set UPLOADKIT_S3_ENDPOINT (and _BUCKET, _ACCESS_KEY_ID, _SECRET_ACCESS_KEY) to an S3 engine.",
    );
  }
  const started = performance.now();
  say(`installing ${packages.join(" ")} from Debian…`);
  aptInstall(packages);
  say(`installed in ${seconds(started)}`);
}

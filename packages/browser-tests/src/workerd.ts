import { type ChildProcess, spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { exitError, onFreePort, stopOnExit } from "@uploadkit/testkit";

/**
 * The workerd binary itself, as the `workerd` package's main module names it (its platform package's executable).
 * Not the package's `bin/workerd`: that is a Node launcher, and stopping it would leave the binary it started running.
 */
const WORKERD = (createRequire(import.meta.url)("workerd") as { default: string }).default;

/**
 * Serves the ES module `script` (a bundled worker) with workerd on 127.0.0.1, with no Node compatibility flag and
 * outbound requests allowed to loopback (where the sandbox listens). Stop it with `stop()`.
 */
export async function startWorkerd(folder: string, script: string): Promise<{ origin: string; stop(): Promise<void> }> {
  // A free port can be taken by another test process before workerd binds it: then workerd exits, and we retry.
  return onFreePort((port) => launch(folder, script, port));
}

async function launch(folder: string, script: string, port: number): Promise<{ origin: string; stop(): Promise<void> }> {
  writeFileSync(
    join(folder, "config.capnp"),
    `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    (name = "main", worker = .uploader),
    (name = "loopback", network = (allow = ["local", "private", "public"])),
  ],
  sockets = [(name = "http", address = "127.0.0.1:${port}", http = (), service = "main")],
);
const uploader :Workerd.Worker = (
  modules = [(name = "worker.js", esModule = embed "${script}")],
  compatibilityDate = "2025-09-01",
  globalOutbound = "loopback",
);
`,
  );
  const child: ChildProcess = stopOnExit(
    spawn(WORKERD, ["serve", "config.capnp"], { cwd: folder, stdio: ["ignore", "pipe", "pipe"] }),
  );
  let output = "";
  child.stdout?.on("data", (chunk) => (output += chunk));
  child.stderr?.on("data", (chunk) => (output += chunk));
  const origin = `http://127.0.0.1:${port}`;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const stop = async () => {
    if (child.exitCode === null) child.kill("SIGTERM");
    await exited;
  };
  for (let attempt = 0; attempt < 100; attempt++) {
    if (child.exitCode !== null) throw exitError(`workerd exited: ${output}`, output);
    try {
      await fetch(`${origin}/`, { method: "HEAD" });
      return { origin, stop };
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  await stop();
  throw new Error(`workerd did not listen on ${origin}: ${output}`);
}

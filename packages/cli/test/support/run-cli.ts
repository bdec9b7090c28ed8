import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { stopOnExit } from "@uploadkit/testkit";

const BIN = fileURLToPath(new URL("../../dist/bin.js", import.meta.url));

/** How one `uploadkit` process ended. */
export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the built `uploadkit …` in `cwd` with only `env` (and PATH); with `killAfter`, SIGKILLs it once that many
 * JSON lines (finished files) were printed. Killed with the test process, whatever happens to the test.
 */
export function runCli(args: string[], cwd: string, env: Record<string, string>, killAfter?: number): Promise<CliRun> {
  return new Promise((resolve) => {
    const child = stopOnExit(spawn(process.execPath, [BIN, ...args], { cwd, env: { PATH: process.env.PATH ?? "", ...env } }));
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk;
      if (killAfter !== undefined && stdout.split("\n").length > killAfter) child.kill("SIGKILL");
    });
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk));
    child.on("exit", (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

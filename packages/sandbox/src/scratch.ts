import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** `uploadkit-<name>-<pid>-XXXXXX`: the owner's pid in the name lets any later run remove what a killed one left. */
const SCRATCH = /^uploadkit-[\w.-]+?-(\d+)-[A-Za-z0-9]{6}$/;
const owned = new Set<string>();
const cleanups = new Set<() => void>();
let swept = false;
let exitHook = false;
let signalHook = false;

/**
 * A new folder under the system temp folder, removed by `removeScratch`, when the process exits, and — with
 * `onSignal` — when it is interrupted (SIGINT, SIGTERM, SIGHUP; the signal is then raised again). The first call
 * of a process also removes the folders of uploadkit processes that no longer run (a run that was killed).
 */
export function scratchDir(name: string, options: { onSignal?: boolean } = {}): string {
  if (!swept) {
    swept = true;
    sweepStale();
  }
  const dir = mkdtempSync(join(tmpdir(), `uploadkit-${name}-${process.pid}-`));
  owned.add(dir);
  if (!exitHook) {
    exitHook = true;
    process.once("exit", removeAll);
  }
  if (options.onSignal && !signalHook) {
    signalHook = true;
    for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
      const onSignal = () => {
        removeAll();
        process.removeListener(signal, onSignal);
        process.kill(process.pid, signal);
      };
      process.on(signal, onSignal);
    }
  }
  return dir;
}

/**
 * Runs `cleanup` (synchronous: e.g. killing a child process) before the scratch folders are removed at exit or on
 * a signal. Returns a function that unregisters it.
 */
export function onScratchCleanup(cleanup: () => void): () => void {
  cleanups.add(cleanup);
  return () => cleanups.delete(cleanup);
}

/** Removes a folder made by `scratchDir`. */
export function removeScratch(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  owned.delete(dir);
}

function removeAll(): void {
  for (const cleanup of cleanups) cleanup();
  cleanups.clear();
  for (const dir of owned) rmSync(dir, { recursive: true, force: true });
  owned.clear();
}

function sweepStale(): void {
  let names: string[] = [];
  try {
    names = readdirSync(tmpdir());
  } catch {
    return;
  }
  for (const name of names) {
    const pid = Number(SCRATCH.exec(name)?.[1]);
    if (pid && pid !== process.pid && !isRunning(pid)) rmSync(join(tmpdir(), name), { recursive: true, force: true });
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

import type { ChildProcess } from "node:child_process";

const running = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of running) child.kill("SIGKILL");
});

/**
 * Kills `child` when this process exits, however it exits (a failed test, a crash): a server a test started never
 * outlives the test run. Returns the child.
 */
export function stopOnExit<Child extends ChildProcess>(child: Child): Child {
  running.add(child);
  child.once("exit", () => running.delete(child));
  return child;
}

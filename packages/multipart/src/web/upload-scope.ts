import type { UploadScope } from "../core/runtime/runtime-parts.js";

// Web runtimes have no AsyncLocalStorage: a request cannot tell which upload's async work made it. The scopes
// running are kept instead. With one running, it is the current one; with several (uploadMany), what they share
// (the part budget) still applies, and a per-upload `onRetry` sees its own part retries only when it alone runs —
// the client's `onRetry` sees every retry either way.
const running = new Set<UploadScope>();

/** Runs `work` with `scope` among the running scopes until it settles. */
export async function runInScope<T>(scope: UploadScope, work: () => Promise<T>): Promise<T> {
  running.add(scope);
  try {
    return await work();
  } finally {
    running.delete(scope);
  }
}

/** The running scope when there is one; with several, only the part budget they all share. */
export function currentScope(): UploadScope | undefined {
  if (running.size === 0) return undefined;
  const scopes = [...running];
  if (scopes.length === 1) return scopes[0];
  const budget = scopes[0]?.budget;
  return scopes.every((scope) => scope.budget === budget) ? { budget } : undefined;
}

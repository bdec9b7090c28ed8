/**
 * True in a web page or a Web Worker: where anything a client holds can be read by whoever loads the page. (Node,
 * Bun, Deno and edge runtimes have neither a `document` nor a WorkerGlobalScope.)
 */
export function isRunningInBrowser(): boolean {
  const scope = globalThis as { window?: { document?: unknown }; document?: unknown; WorkerGlobalScope?: unknown };
  if (typeof scope.window === "object" && scope.window !== null && typeof scope.document === "object") return true;
  const workerScope = scope.WorkerGlobalScope;
  return typeof workerScope === "function" && globalThis instanceof (workerScope as new () => unknown);
}

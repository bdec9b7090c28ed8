import { currentScope, runInScope } from "#runtime";
import type { UploadScope } from "../runtime/runtime-parts.js";

export type { UploadScope } from "../runtime/runtime-parts.js";

/** Runs `work` with `scope` (over the enclosing one) active for every request it makes, API calls included. */
export function withUploadScope<T>(scope: UploadScope, work: () => Promise<T>): Promise<T> {
  const merged: UploadScope = { ...currentScope() };
  if (scope.onRetry) merged.onRetry = scope.onRetry;
  if (scope.budget) merged.budget = scope.budget;
  return runInScope(merged, work);
}

export function currentUploadScope(): UploadScope | undefined {
  return currentScope();
}

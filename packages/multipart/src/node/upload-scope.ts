import { AsyncLocalStorage } from "node:async_hooks";
import type { PartBudget } from "../core/transport/part-budget.js";
import type { TransportEvent } from "../core/transport/transport-options.js";

/** What one `uploadMedia` call adds to its client's transport: listeners that see only that upload's requests. */
export interface UploadScope {
  onRetry?: ((event: TransportEvent) => void) | undefined;
  /** The part slots this upload shares with others running beside it (uploadMany). */
  budget?: PartBudget | undefined;
}

const scopes = new AsyncLocalStorage<UploadScope>();

/** Runs `work` with `scope` active for every request it makes, API calls made through openapi-fetch included. */
export function withUploadScope<T>(scope: UploadScope, work: () => Promise<T>): Promise<T> {
  const merged: UploadScope = { ...scopes.getStore() };
  if (scope.onRetry) merged.onRetry = scope.onRetry;
  if (scope.budget) merged.budget = scope.budget;
  return scopes.run(merged, work);
}

export function currentUploadScope(): UploadScope | undefined {
  return scopes.getStore();
}

import { AsyncLocalStorage } from "node:async_hooks";
import type { TransportEvent } from "./transport-options.js";

/** What one `uploadMedia` call adds to its client's transport: listeners that see only that upload's requests. */
export interface UploadScope {
  onRetry?: ((event: TransportEvent) => void) | undefined;
}

const scopes = new AsyncLocalStorage<UploadScope>();

/** Runs `work` with `scope` active for every request it makes, API calls made through openapi-fetch included. */
export function withUploadScope<T>(scope: UploadScope, work: () => Promise<T>): Promise<T> {
  return scopes.run(scope, work);
}

export function currentUploadScope(): UploadScope | undefined {
  return scopes.getStore();
}

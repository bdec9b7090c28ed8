import { AsyncLocalStorage } from "node:async_hooks";
import type { UploadScope } from "../core/runtime/runtime-parts.js";

const scopes = new AsyncLocalStorage<UploadScope>();

/** Runs `work` with `scope` active for every request it makes, API calls made through openapi-fetch included. */
export function runInScope<T>(scope: UploadScope, work: () => Promise<T>): Promise<T> {
  return scopes.run(scope, work);
}

/** The scope of the upload whose async context this is. */
export function currentScope(): UploadScope | undefined {
  return scopes.getStore();
}

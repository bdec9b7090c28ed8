import type { RetryOptions } from "../retry-policy.js";
import type { RetryEvent } from "../upload/upload-parts.js";
import type { ApiRetryEvent } from "./api-fetch.js";

/** How a provider client talks to the network; every provider's client options include these. */
export interface ClientTransportOptions {
  /** Attempts and backoff for API calls and part uploads. */
  retry?: RetryOptions;
  /** Prepended to the User-Agent (`<yours> uploadkit/<version>`). */
  userAgent?: string;
  /** Time limit per API call attempt. Default 60 s. */
  timeoutMs?: number;
  /** A part with no bytes moving for this long is aborted and retried. Default 30 s. */
  stallTimeoutMs?: number;
  /** Called before each retry of a part (`partNumber`) or an API call (`method`, `path`): for logs and metrics. */
  onRetry?: (event: RetryEvent | ApiRetryEvent) => void;
  /** A fetch implementation for API calls (default: the global fetch). */
  fetch?: typeof fetch;
}

/** What uploads take from the client's transport options. */
export type TransferOptions = Pick<ClientTransportOptions, "retry" | "onRetry" | "stallTimeoutMs">;

export function transferOptions(options: ClientTransportOptions): TransferOptions {
  return { retry: options.retry, onRetry: options.onRetry, stallTimeoutMs: options.stallTimeoutMs };
}

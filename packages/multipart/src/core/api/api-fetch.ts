import type { ResolvedRetryOptions } from "../retry-policy.js";
import { Transport } from "../transport/transport.js";
import type { ApiRetryEvent, TransportEvent } from "../transport/transport-options.js";

export type { ApiRetryEvent } from "../transport/transport-options.js";

export interface ApiFetchOptions {
  /** Credentials go only to requests on this origin. */
  apiOrigin: string;
  /** Credential headers (e.g. `Authorization`), added to requests on `apiOrigin` only. */
  credentials: Record<string, string>;
  /** Headers for every API request (e.g. an API version header). */
  headers?: Record<string, string> | undefined;
  /** Prepended to `uploadkit/<version>` in the User-Agent. */
  userAgent?: string | undefined;
  retry: ResolvedRetryOptions;
  /** Per-attempt time limit. Default 60 s. */
  timeoutMs?: number | undefined;
  fetch?: typeof fetch | undefined;
  onRetry?: ((event: ApiRetryEvent) => void) | undefined;
}

/** The fetch provider API clients run on: the `fetch` of a Transport made from these options. */
export function createApiFetch(options: ApiFetchOptions): (input: Request) => Promise<Response> {
  return new Transport({ ...options, onRetry: options.onRetry as ((event: TransportEvent) => void) | undefined }).fetch;
}

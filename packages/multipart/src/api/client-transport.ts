import type { ClientTransportOptions } from "../transport/transport-options.js";

export type { ClientTransportOptions } from "../transport/transport-options.js";

/** What uploads take from the client's transport options. */
export type TransferOptions = Pick<ClientTransportOptions, "retry" | "onRetry" | "stallTimeoutMs">;

export function transferOptions(options: ClientTransportOptions): TransferOptions {
  return { retry: options.retry, onRetry: options.onRetry, stallTimeoutMs: options.stallTimeoutMs };
}

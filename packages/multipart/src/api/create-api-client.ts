import createClient, { type Client, type ClientOptions, type Middleware } from "openapi-fetch";
import { resolveRetry } from "../retry-policy.js";
import { type ApiRetryEvent, createApiFetch } from "./api-fetch.js";
import type { ClientTransportOptions } from "./client-transport.js";

export interface ApiClientOptions extends Omit<ClientTransportOptions, "stallTimeoutMs" | "onRetry"> {
  baseUrl: string;
  /** Credential headers, sent to `baseUrl`'s origin only. */
  credentials: Record<string, string>;
  /** Headers for every request (e.g. an API version). */
  headers?: Record<string, string> | undefined;
  onRetry?: ((event: ApiRetryEvent) => void) | undefined;
  /** Extra openapi-fetch middleware. */
  middleware?: Middleware[] | undefined;
}

const requestMethods = new WeakMap<Response, string>();

/** Remembers each response's request method, for error messages (see unwrap). */
const recordMethod: Middleware = {
  onResponse({ request, response }) {
    requestMethods.set(response, request.method);
    return undefined;
  },
};

export function methodOf(response: Response): string {
  return requestMethods.get(response) ?? "";
}

/** An openapi-fetch client typed by a provider's generated `paths`, on the shared API fetch. */
export function createApiClient<Paths extends {}>(options: ApiClientOptions): Client<Paths> {
  if (!options.baseUrl) throw new TypeError("baseUrl is required");
  const apiFetch = createApiFetch({
    apiOrigin: options.baseUrl,
    credentials: options.credentials,
    headers: options.headers,
    userAgent: options.userAgent,
    retry: resolveRetry(options.retry),
    timeoutMs: options.timeoutMs,
    fetch: options.fetch,
    onRetry: options.onRetry,
  });
  const clientOptions: ClientOptions = { baseUrl: options.baseUrl.replace(/\/+$/, ""), fetch: apiFetch };
  const client = createClient<Paths>(clientOptions);
  client.use(recordMethod, ...(options.middleware ?? []));
  return client;
}

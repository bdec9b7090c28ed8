import createClient, { type Client, type ClientOptions, type Middleware } from "openapi-fetch";
import { type RetryOptions, resolveRetry } from "../retry-policy.js";
import { type ApiFetchOptions, createApiFetch } from "./api-fetch.js";

export interface ApiClientOptions {
  baseUrl: string;
  /** Credential headers, sent to `baseUrl`'s origin only. */
  credentials: Record<string, string>;
  /** Headers for every request (e.g. an API version). */
  headers?: Record<string, string> | undefined;
  userAgent?: string | undefined;
  retry?: RetryOptions | undefined;
  timeoutMs?: number | undefined;
  /** A fetch implementation (default: the global fetch). */
  fetch?: typeof fetch | undefined;
  onRetry?: ApiFetchOptions["onRetry"];
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

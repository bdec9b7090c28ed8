import createClient, { type Client, type Middleware, type QuerySerializerOptions } from "openapi-fetch";
import type { CredentialSource } from "../transport/credential-set.js";
import { Transport } from "../transport/transport.js";
import type { ApiRetryEvent, ClientTransportOptions, TransportEvent } from "../transport/transport-options.js";
import { assertHttpUrl } from "./http-url.js";
import { pathParameterGuard } from "./path-params.js";

export interface ApiClientOptions extends Omit<ClientTransportOptions, "onRetry"> {
  baseUrl: string;
  /** Credential headers (values, or functions returning them), sent to `baseUrl`'s origin only. */
  credentials?: Record<string, CredentialSource> | undefined;
  /** Headers for every request (e.g. an API version). */
  headers?: Record<string, string> | undefined;
  onRetry?: ((event: ApiRetryEvent) => void) | ((event: TransportEvent) => void) | undefined;
  /** Extra openapi-fetch middleware. */
  middleware?: Middleware[] | undefined;
  /** Run on this transport instead of one made from the options above. */
  transport?: Transport | undefined;
  /**
   * How query arrays and objects are written (openapi-fetch's `querySerializer`). The spec's `style`/`explode`
   * are not known at run time, so a provider whose API takes `?a=1,2` says so here.
   */
  querySerializer?: QuerySerializerOptions | undefined;
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

/** The transport a provider client runs on: its credentials, headers and network options. */
export function createClientTransport(options: ApiClientOptions): Transport {
  if (!options.baseUrl) throw new TypeError("baseUrl is required");
  assertHttpUrl("baseUrl", options.baseUrl);
  return (
    options.transport ??
    new Transport({
      ...options,
      apiOrigin: options.baseUrl,
      onRetry: options.onRetry as ((event: TransportEvent) => void) | undefined,
    })
  );
}

/** An openapi-fetch client typed by a provider's generated `paths`, on the shared transport. */
export function createApiClient<Paths extends {}>(options: ApiClientOptions): Client<Paths> {
  const transport = createClientTransport(options);
  const client = createClient<Paths>({
    baseUrl: options.baseUrl.replace(/\/+$/, ""),
    fetch: transport.fetch,
    ...(options.querySerializer ? { querySerializer: options.querySerializer } : {}),
  });
  client.use(pathParameterGuard, recordMethod, ...(options.middleware ?? []));
  return client;
}

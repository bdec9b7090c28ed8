import { type ClientTransportOptions, type CredentialContext, unwrap } from "@uploadkit/multipart";
import { answerChecks, createApiClient, Transport } from "@uploadkit/multipart/internal";
import { baseUrlFromEnvironment, providerDescriptor } from "@uploadkit/providers";
import type { paths } from "./generated/openapi.js";

/** Options of `record360SignIn`: the account, and where the API is. */
export interface Record360SignInOptions
  extends Pick<ClientTransportOptions, "retry" | "timeoutMs" | "fetch" | "dispatcher" | "userAgent"> {
  /** The account's username. */
  username: string;
  /** The account's password (masked in every error and log line). */
  password: string;
  /** Default https://api.record360.com (use the same base URL as the client). */
  baseUrl?: string | undefined;
}

/**
 * A token provider for `createRecord360Client({ token })`: signs in with `POST /api/users/authenticate` on first use,
 * keeps the `auth_token`, and signs in again when the API answers 401. Concurrent callers share one sign-in.
 */
export function record360SignIn(options: Record360SignInOptions): (context?: CredentialContext) => Promise<string> {
  for (const name of ["username", "password"] as const) {
    if (typeof options?.[name] !== "string" || !options[name]) throw new TypeError(`record360SignIn: ${name} is required.`);
  }
  const baseUrl =
    options.baseUrl ?? baseUrlFromEnvironment("record360") ?? (providerDescriptor("record360").defaultBaseUrl as string);
  const transport = new Transport({
    ...options,
    apiOrigin: baseUrl,
    headers: { Accept: "application/json; version=1" },
    redact: [options.password],
  });
  const api = createApiClient<paths>({ baseUrl, transport });
  let token: string | undefined;
  let pending: Promise<string> | undefined;
  const signIn = async () => {
    const body = { user: { username: options.username, password: options.password } };
    const answer = await unwrap(api.POST("/api/users/authenticate", { body }));
    return answerChecks("record360", "POST /api/users/authenticate").string(answer?.auth_token, "auth_token");
  };
  return async (context) => {
    if (token && !context?.forceRefresh) return token;
    pending ??= signIn().finally(() => {
      pending = undefined;
    });
    token = await pending;
    return token;
  };
}

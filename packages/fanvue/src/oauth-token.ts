import { type ClientTransportOptions, type CredentialContext, UploadkitError } from "@uploadkit/multipart";
import { answerChecks, redactSecrets, Transport } from "@uploadkit/multipart/internal";

import { FANVUE_TOKEN_URL } from "./token-url.js";

export { FANVUE_TOKEN_URL };

/** A token pair from Fanvue's token endpoint. */
export interface FanvueTokens {
  /** The bearer token API calls send. */
  accessToken: string;
  /** The refresh token to use next: single-use, rotated on every refresh. */
  refreshToken: string;
  /** When the access token expires, when the endpoint said (`expires_in`). */
  expiresAt: Date | undefined;
}

/** Options of `fanvueOAuthToken`: the app's client credentials, the user's tokens, and where to keep rotated ones. */
export interface FanvueOAuthTokenOptions
  extends Pick<ClientTransportOptions, "retry" | "timeoutMs" | "fetch" | "dispatcher" | "userAgent"> {
  /** The refresh token from the code exchange (scope `offline_access`). */
  refreshToken: string;
  /** Your app's OAuth client id. */
  clientId: string;
  /** Your app's OAuth client secret (masked in every error and log line). */
  clientSecret: string;
  /** The current access token, if you have one; without it the first use refreshes. */
  accessToken?: string | undefined;
  /** When `accessToken` expires (a Date or epoch ms). Unknown: it is used until the API answers 401. */
  expiresAt?: Date | number | undefined;
  /**
   * Called with every new token pair. Fanvue's refresh tokens rotate and are single-use: store `refreshToken`
   * here, or the next process cannot refresh. Awaited before the new access token is used.
   */
  onRefresh?: ((tokens: FanvueTokens) => void | Promise<void>) | undefined;
  /** Default: `FANVUE_TOKEN_URL` from the environment, else https://auth.fanvue.com/oauth2/token. */
  tokenUrl?: string | undefined;
  /**
   * How the client authenticates at the token endpoint. Default `client_secret_post` (`client_id` and
   * `client_secret` in the form body, as Fanvue's guide describes the exchange); `client_secret_basic` sends them
   * as HTTP Basic instead.
   */
  clientAuthentication?: "client_secret_post" | "client_secret_basic" | undefined;
  /** Refresh this long before `expiresAt`. Default 60 s. */
  refreshMarginMs?: number | undefined;
}

/**
 * A token provider for `createFanvueClient({ token })` that holds an access and a refresh token, refreshes through
 * Fanvue's token endpoint (`grant_type=refresh_token`) before expiry or after a 401, and hands every rotated
 * refresh token to `onRefresh`. Concurrent callers share one refresh: a single-use refresh token is never sent twice.
 */
export function fanvueOAuthToken(options: FanvueOAuthTokenOptions): (context?: CredentialContext) => Promise<string> {
  for (const name of ["refreshToken", "clientId", "clientSecret"] as const) {
    if (typeof options?.[name] !== "string" || !options[name]) {
      throw new TypeError(`fanvueOAuthToken: ${name} is required.`);
    }
  }
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  const tokenUrl = options.tokenUrl ?? (env?.FANVUE_TOKEN_URL || FANVUE_TOKEN_URL);
  const margin = options.refreshMarginMs ?? 60_000;
  const transport = new Transport({ ...options, apiOrigin: tokenUrl, redact: [options.refreshToken, options.clientSecret] });
  let state: FanvueTokens = {
    accessToken: options.accessToken ?? "",
    refreshToken: options.refreshToken,
    expiresAt: options.expiresAt === undefined ? undefined : new Date(options.expiresAt),
  };
  let pending: Promise<FanvueTokens> | undefined;
  const secrets = () => [state.refreshToken, state.accessToken, options.clientSecret].filter(Boolean);

  const refresh = async (): Promise<FanvueTokens> => {
    const form = new URLSearchParams({ grant_type: "refresh_token", refresh_token: state.refreshToken });
    const headers: Record<string, string> = { "content-type": "application/x-www-form-urlencoded", accept: "application/json" };
    if (options.clientAuthentication === "client_secret_basic") {
      const pair = `${encodeURIComponent(options.clientId)}:${encodeURIComponent(options.clientSecret)}`;
      headers.authorization = `Basic ${btoa(pair)}`;
    } else {
      form.set("client_id", options.clientId);
      form.set("client_secret", options.clientSecret);
    }
    let response: Response;
    try {
      response = await transport.fetch(new Request(tokenUrl, { method: "POST", headers, body: form.toString() }));
    } catch (error) {
      throw refreshError(`the token endpoint could not be reached (${(error as Error).message})`, secrets(), error);
    }
    const text = await response.text();
    let body: Record<string, unknown> | undefined;
    try {
      body = JSON.parse(text) as Record<string, unknown>;
    } catch {}
    if (!response.ok) {
      const reason =
        [body?.error, body?.error_description].filter((v) => typeof v === "string").join(": ") || `HTTP ${response.status}`;
      throw refreshError(`the token endpoint answered ${response.status} (${reason})`, secrets());
    }
    const check = answerChecks("fanvue", "POST /oauth2/token");
    const accessToken = check.string(body?.access_token, "access_token");
    const refreshToken =
      body?.refresh_token === undefined ? state.refreshToken : check.string(body.refresh_token, "refresh_token");
    const expiresIn =
      body?.expires_in === undefined ? undefined : check.integer(body.expires_in, "expires_in", 1, 10 * 365 * 86_400);
    return {
      accessToken,
      refreshToken,
      expiresAt: expiresIn === undefined ? undefined : new Date(Date.now() + expiresIn * 1000),
    };
  };

  return async (context) => {
    const expiring = state.expiresAt !== undefined && state.expiresAt.getTime() - margin <= Date.now();
    if (state.accessToken && !expiring && !context?.forceRefresh) return state.accessToken;
    pending ??= (async () => {
      try {
        const next = await refresh();
        state = next;
        await options.onRefresh?.(next);
        return next;
      } finally {
        pending = undefined;
      }
    })();
    return (await pending).accessToken;
  };
}

function refreshError(why: string, secrets: string[], cause?: unknown): UploadkitError {
  return new UploadkitError(
    redactSecrets(
      `Refreshing the Fanvue access token failed: ${why}. Sign the user in again if the refresh token was revoked.`,
      secrets,
    ),
    {
      code: "FANVUE_TOKEN_REFRESH_FAILED",
      cause: cause === undefined ? undefined : new Error(redactSecrets(String((cause as Error)?.message ?? cause), secrets)),
    },
  );
}

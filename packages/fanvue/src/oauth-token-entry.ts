import type { CredentialContext } from "@uploadkit/multipart";
import { fanvueOAuthToken as forThisRuntime } from "#oauth-token";
import type { FanvueOAuthTokenOptions } from "./oauth-token.js";

/**
 * A token provider for `createFanvueClient({ token })` that holds an access and a refresh token, refreshes through
 * Fanvue's token endpoint (`grant_type=refresh_token`) before expiry or after a 401, and hands every rotated
 * refresh token to `onRefresh`. Concurrent callers share one refresh: a single-use refresh token is never sent twice.
 * Server side only: it holds your app's client secret, so in a browser build it throws an InputError
 * (`INPUT_SECRET_IN_PAGE`) and the page's bundle carries none of it.
 */
export function fanvueOAuthToken(options: FanvueOAuthTokenOptions): (context?: CredentialContext) => Promise<string> {
  return forThisRuntime(options);
}

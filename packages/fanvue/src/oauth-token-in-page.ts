import { InputError } from "@uploadkit/multipart";
import type { fanvueOAuthToken as onServer } from "./oauth-token.js";

/**
 * What `fanvueOAuthToken` is in a browser build: it holds your app's client secret and the user's refresh token,
 * which never go into a page, so a page's bundle carries no token refresher. Refresh on your server and give the
 * page an access token, or upload through `createUploadRoute` and `uploadThroughServer`.
 */
export const fanvueOAuthToken: typeof onServer = () => {
  throw new InputError(
    "fanvueOAuthToken runs on your server: it holds your app's client secret, which never goes into a page. Give the page an access token, or use uploadThroughServer.",
    { code: "INPUT_SECRET_IN_PAGE" },
  );
};

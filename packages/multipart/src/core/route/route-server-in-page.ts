import { InputError } from "../errors.js";
import type { createUploadRouteFor as routeFor } from "./upload-route.js";

/**
 * What `#route-server` is in a browser build: an upload route holds your provider credential, which never goes into
 * a page, so a page's bundle carries no route server (only `uploadThroughServer`, which calls one).
 */
export const createUploadRouteFor: typeof routeFor = () => {
  throw new InputError(
    "createUploadRoute runs on your server (Node) or an edge runtime: it holds your provider credential, which never goes into a page. In the page, call uploadThroughServer.",
    { code: "INPUT_ROUTE_IN_PAGE" },
  );
};

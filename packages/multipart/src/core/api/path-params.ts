import type { Middleware } from "openapi-fetch";
import { InputError } from "../errors.js";

/**
 * Refuses an id that would change which endpoint a path names. openapi-fetch percent-encodes `/`, `?`, `#` and `%`
 * in path parameters, but `.`, `..` and an empty value survive encoding and are resolved away by URL parsing
 * (`/media/..` is `/`), so they are refused here, before any call.
 */
export function assertPathSegment(name: string, value: unknown): void {
  const text = String(value);
  if (text === "" || text === "." || text === "..") {
    throw new InputError(`${name} ${JSON.stringify(text)} is not a valid id: it would change the API path. Check the value.`, {
      code: "INPUT_PATH_PARAMETER",
    });
  }
}

/** openapi-fetch middleware applying assertPathSegment to every path parameter of every call. */
export const pathParameterGuard: Middleware = {
  onRequest({ params }) {
    for (const [name, value] of Object.entries((params as { path?: Record<string, unknown> }).path ?? {})) {
      assertPathSegment(name, value);
    }
    return undefined;
  },
};

import { ApiError } from "@uploadkit/multipart";

/** A 410 names the version to move to; say it in the message, since the fix is one option away. */
export function explainSunset(error: unknown): never {
  if (error instanceof ApiError && error.status === 410) {
    const next = (error.body as { nextVersion?: unknown } | undefined)?.nextVersion;
    if (typeof next === "string") {
      throw new ApiError(
        {
          status: error.status,
          method: error.method,
          path: error.path,
          providerCode: error.providerCode,
          providerMessage: error.providerMessage,
          requestId: error.requestId,
          body: error.body,
        },
        {
          message: `${error.message}. Fanvue retired this API version; the API asks for ${next}: set apiVersion: "${next}" (and check the changelog).`,
          cause: error,
        },
      );
    }
  }
  throw error;
}

import { ApiError, InputError, isAbortError, UploadkitError } from "@uploadkit/multipart";

/** One line for a failed upload: what happened and, for provider errors, status and request id. */
export function formatError(error: unknown): string {
  if (error instanceof ApiError) {
    const id = error.requestId && !error.message.includes(error.requestId) ? ` (request id ${error.requestId})` : "";
    return `the provider answered ${error.status} (${error.kind}): ${error.message}${id}`;
  }
  if (error instanceof InputError) return `invalid input: ${error.message}`;
  if (isAbortError(error)) return "interrupted";
  if (error instanceof UploadkitError) return error.message;
  return error instanceof Error ? error.message : String(error);
}

import { apiErrorFromResponse } from "../api/parse-api-error.js";
import { IntegrityError, PartUploadError, UploadkitError } from "../errors.js";
import { redactSecrets, redactUrl } from "../redact.js";
import type { PartTarget } from "../upload/part-target.js";
import { parseBody, scrubbedCause, statusOf } from "./transport-answers.js";
import type { AttemptResult, BodyRequest } from "./transport-request.js";

/** The error a body request ends with, its secrets masked: an IntegrityError, a PartUploadError, or an API call's. */
export function bodyRequestError<T>(
  secretsKnown: readonly string[],
  request: BodyRequest<T>,
  target: PartTarget,
  attempts: number,
  result: Extract<AttemptResult<T>, { ok: false }>,
  note?: string,
): Error {
  const secrets = [...secretsKnown, ...Object.values(target.headers ?? {})];
  const where = redactUrl(target.url);
  const cause = result.cause === undefined ? undefined : scrubbedCause(result.cause, secrets);
  const label = request.label;
  const tries = `${attempts} attempt${attempts === 1 ? "" : "s"}`;
  if (result.integrity) {
    const what = "partNumber" in label ? `Part ${label.partNumber}` : `${label.method} ${label.path}`;
    return new IntegrityError(
      `${what} was stored with ETag ${result.integrity.actual}, but the MD5 of the bytes sent is ${result.integrity.expected} (after ${tries} to ${where}).`,
      { code: "PART_ETAG_MISMATCH", expected: result.integrity.expected, actual: result.integrity.actual, cause },
    );
  }
  if ("partNumber" in label) {
    return new PartUploadError(
      redactSecrets(`Part ${label.partNumber} failed after ${tries} to ${where}: ${result.reason}.`, secrets),
      {
        code: result.failure.kind === "status" ? `PART_HTTP_${result.failure.status}` : "PART_NETWORK",
        partNumber: label.partNumber,
        attempts,
        status: statusOf(result),
        cause,
      },
    );
  }
  if (result.answer) {
    const response = new Response(null, { status: result.answer.status, headers: result.answer.headers });
    Object.defineProperty(response, "url", { value: target.url });
    return apiErrorFromResponse(response, parseBody(result.answer.text), label.method, secrets, note);
  }
  const stalled = result.failure.kind === "network" && result.failure.stalled;
  return new UploadkitError(redactSecrets(`${label.method} ${label.path} failed after ${tries}: ${result.reason}.`, secrets), {
    code: stalled ? "API_TIMEOUT" : "API_NETWORK",
    cause,
  });
}

import { isRetryableStatus } from "../retry-policy.js";

/** Methods whose repetition has no effect beyond the first request's. */
const IDEMPOTENT_METHODS = new Set(["GET", "HEAD", "OPTIONS", "PUT", "DELETE"]);

/** Errors raised before a connection existed: the server never saw the request. */
const NOT_SENT_CODES = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "UND_ERR_CONNECT_TIMEOUT"]);

export function isIdempotentMethod(method: string): boolean {
  return IDEMPOTENT_METHODS.has(method.toUpperCase());
}

/** Why an attempt failed, as far as deciding on another one goes. */
export type AttemptFailure =
  | { kind: "status"; status: number }
  | { kind: "network"; code?: string | undefined; stalled?: boolean | undefined };

/**
 * The one rule on repeating a request. A `repeatable` request (an idempotent method, a part PUT) is repeated
 * after any network error and on 408/425/429/5xx. Any other request (a create, a finalising PUT) is repeated
 * only when the server cannot have acted on it: the connection never opened, or it answered 429 or 503.
 */
export function mayRepeat(failure: AttemptFailure, repeatable: boolean): boolean {
  if (failure.kind === "status") {
    return repeatable ? isRetryableStatus(failure.status) : failure.status === 429 || failure.status === 503;
  }
  if (repeatable) return true;
  return !failure.stalled && failure.code !== undefined && NOT_SENT_CODES.has(failure.code);
}

/** The first string `code` in an error's cause chain (undici wraps socket errors). */
export function networkCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; current && depth < 4; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string") return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * Every error uploadkit throws is an UploadkitError. Messages never carry a token, an API
 * key or a presigned URL's query string (see redact.ts); `cause` chains are scrubbed too.
 */
export class UploadkitError extends Error {
  /** The class name: `"UploadkitError"` or a subclass's. */
  override name = "UploadkitError";
  /** A stable machine-readable code, e.g. `INPUT_FILE_NOT_FOUND`. */
  readonly code: string;
  constructor(message: string, options: { code: string; cause?: unknown }) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = options.code;
  }
}

/** Bad input, caught before any network call where possible. The message says what to change. */
export class InputError extends UploadkitError {
  /** Always `"InputError"`. */
  override name = "InputError";
}

/**
 * An upload route (`createUploadRoute` on your server) refused or failed a step of `uploadThroughServer`: `status`
 * says which (403 not authorized, 413 too large, 415 type not taken, 404 session gone…), `code` the route's reason.
 */
export class UploadRouteError extends UploadkitError {
  /** Always `"UploadRouteError"`. */
  override name = "UploadRouteError";
  /** The route's HTTP status. */
  readonly status: number;
  /**
   * The provider's id of what was stored, when the provider has the upload but the route refused to finish it
   * (`ROUTE_COMPLETE_HOOK_FAILED`, `ROUTE_DECLARATION_MISMATCH`).
   */
  readonly id: string | undefined;
  constructor(message: string, options: { code: string; status: number; id?: string | undefined; cause?: unknown }) {
    super(message, options);
    this.status = options.status;
    this.id = options.id;
  }
}

/** The source changed between planning and upload, or a checkpoint belongs to another source. */
export class SourceChangedError extends UploadkitError {
  /** Always `"SourceChangedError"`. */
  override name = "SourceChangedError";
}

/** What an API error's status means, for branching without status numbers. */
export type ApiErrorKind =
  | "bad_request"
  | "auth"
  | "permission"
  | "not_found"
  | "conflict"
  | "gone"
  | "too_large"
  | "validation"
  | "rate_limit"
  | "server"
  /** A 3xx: the API redirected, which uploadkit never follows (credentials stay with the API origin). */
  | "redirect"
  | "unexpected";

export function apiErrorKind(status: number): ApiErrorKind {
  if (status === 400) return "bad_request";
  if (status === 401) return "auth";
  if (status === 403) return "permission";
  if (status === 404) return "not_found";
  if (status === 409) return "conflict";
  if (status === 410) return "gone";
  if (status === 413) return "too_large";
  if (status === 422) return "validation";
  if (status === 429) return "rate_limit";
  if (status >= 500) return "server";
  if (status >= 300 && status < 400) return "redirect";
  return "unexpected";
}

export interface ApiErrorDetails {
  status: number;
  method: string;
  /** The request path (no query string). */
  path: string;
  /** The provider's error code or type, when its body carries one. */
  providerCode?: string | undefined;
  /** The provider's message (title/detail/error/message from the body). */
  providerMessage?: string | undefined;
  requestId?: string | undefined;
  /** Parsed JSON body, or the (bounded) text of a non-JSON body. */
  body?: unknown;
  /** Seconds the server asked to wait (Retry-After / X-RateLimit-Reset), when sent. */
  retryAfterSeconds?: number | undefined;
}

/** A provider API call answered with a non-2xx status. */
export class ApiError extends UploadkitError {
  /** Always `"ApiError"`. */
  override name = "ApiError";
  /** The HTTP status. */
  readonly status: number;
  /** What the status means (`auth`, `rate_limit`, `validation`, …). */
  readonly kind: ApiErrorKind;
  /** The request's method. */
  readonly method: string;
  /** The request's path, without its query string. */
  readonly path: string;
  /** The provider's error code or type, when its body carries one. */
  readonly providerCode: string | undefined;
  /** The provider's message, secrets masked. */
  readonly providerMessage: string | undefined;
  /** The provider's request id (from headers or body), to quote to its support. */
  readonly requestId: string | undefined;
  /** The parsed JSON body, or its text (at most 64 KiB), secrets masked. */
  readonly body: unknown;
  /** Seconds the server asked to wait (Retry-After or X-RateLimit-Reset), when sent. */
  readonly retryAfterSeconds: number | undefined;
  /** `note`: appended to the message (e.g. why the call was not tried again). */
  constructor(details: ApiErrorDetails, options: { message?: string; note?: string; cause?: unknown } = {}) {
    const kind = apiErrorKind(details.status);
    const what = details.providerMessage ?? "no message in the response body";
    const id = details.requestId ? ` (request id ${details.requestId})` : "";
    const message = options.message ?? `${details.method} ${details.path} failed with ${details.status}: ${what}${id}`;
    super(options.note ? `${message}; ${options.note}.` : message, {
      code: details.providerCode ?? `HTTP_${details.status}`,
      cause: options.cause,
    });
    this.status = details.status;
    this.kind = kind;
    this.method = details.method;
    this.path = details.path;
    this.providerCode = details.providerCode;
    this.providerMessage = details.providerMessage;
    this.requestId = details.requestId;
    this.body = details.body;
    this.retryAfterSeconds = details.retryAfterSeconds;
  }
}

/** A part could not be uploaded within its attempts. */
export class PartUploadError extends UploadkitError {
  /** Always `"PartUploadError"`. */
  override name = "PartUploadError";
  /** The part that failed. */
  readonly partNumber: number;
  /** How many attempts were made. */
  readonly attempts: number;
  /** The last HTTP status, if the store answered. */
  readonly status: number | undefined;
  constructor(
    message: string,
    options: { code: string; partNumber: number; attempts: number; status?: number | undefined; cause?: unknown },
  ) {
    super(message, options);
    this.partNumber = options.partNumber;
    this.attempts = options.attempts;
    this.status = options.status;
  }
}

/** Bytes stored differ from bytes sent (ETag/MD5 or SHA-256 mismatch). */
export class IntegrityError extends UploadkitError {
  /** Always `"IntegrityError"`. */
  override name = "IntegrityError";
  /** The digest of the bytes sent. */
  readonly expected: string;
  /** The digest the store reported. */
  readonly actual: string;
  constructor(message: string, options: { code: string; expected: string; actual: string; cause?: unknown }) {
    super(message, options);
    this.expected = options.expected;
    this.actual = options.actual;
  }
}

/** A provider answered 2xx with something the upload cannot use: a missing id, a bad URL list, an inconsistent plan. */
export class ProviderResponseError extends UploadkitError {
  /** Always `"ProviderResponseError"`. */
  override name = "ProviderResponseError";
  /** "fanvue", "ofauth", "record360" or "flowkiwi". */
  readonly provider: string;
  /** The call whose answer is wrong, e.g. "POST /media/uploads". */
  readonly operation: string;
  /** The field that is wrong, e.g. "presigned_urls[3]". */
  readonly field: string;
  constructor(message: string, options: { provider: string; operation: string; field: string; code?: string | undefined }) {
    super(message, { code: options.code ?? "PROVIDER_RESPONSE_INVALID" });
    this.provider = options.provider;
    this.operation = options.operation;
    this.field = options.field;
  }
}

/** A checkpoint could not be read, written or used. */
export class CheckpointError extends UploadkitError {
  /** Always `"CheckpointError"`. */
  override name = "CheckpointError";
}

/** An upload journal could not be read, written or used (codes `JOURNAL_*`). */
export class JournalError extends CheckpointError {
  /** Always `"JournalError"`. */
  override name = "JournalError";
}

/** The upload was aborted through its `signal`. `name` is "AbortError", as for fetch. */
export class AbortError extends UploadkitError {
  /** Always `"AbortError"`, as for fetch. */
  override name = "AbortError";
  constructor(message = "The upload was aborted", options: { cause?: unknown } = {}) {
    super(message, { code: "ABORTED", cause: options.cause });
  }
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new AbortError(undefined, { cause: signal.reason });
}

/** True for an AbortError from uploadkit or from fetch (any error named "AbortError"). */
export function isAbortError(error: unknown): boolean {
  return error instanceof Error && error.name === "AbortError";
}

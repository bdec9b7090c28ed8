import { ApiError } from "../errors.js";
import { summarizeErrorBody } from "../http/read-bounded.js";
import { redactSecrets } from "../redact.js";
import { serverRequestedDelay } from "../retry-policy.js";

const REQUEST_ID_HEADERS = ["x-request-id", "request-id", "x-amzn-requestid", "x-amz-request-id", "x-correlation-id"];

/**
 * Builds an ApiError from a non-2xx response and its body (parsed JSON, or text). Understands
 * `{ message }`, `{ error }`, `{ errors }`, `{ error, type, requestId }`, `{ error, code, details }`,
 * problem+json / JSON-LD (`title`, `detail`, `violations`), and HTML or text pages.
 */
export function apiErrorFromResponse(
  response: Response,
  body: unknown,
  method: string,
  secrets: readonly string[] = [],
  /** Appended to the message: why the call was not tried again. */
  note?: string,
): ApiError {
  const fields = typeof body === "object" && body !== null ? (body as Record<string, unknown>) : undefined;
  const requestId =
    REQUEST_ID_HEADERS.map((name) => response.headers.get(name)).find((value): value is string => Boolean(value)) ??
    stringField(fields, "requestId") ??
    stringField(fields, "request_id");
  const retryAfterMs = serverRequestedDelay(response.headers);
  let path = "";
  try {
    path = new URL(response.url).pathname;
  } catch {}
  const redirect = redirectMessage(response, method, path);
  return new ApiError(
    {
      status: response.status,
      method: method.toUpperCase(),
      path,
      providerCode: redacted(providerCode(fields), secrets),
      providerMessage: redacted(
        fields ? providerMessage(fields) : typeof body === "string" ? summarizeErrorBody(body) : undefined,
        secrets,
      ),
      requestId: redacted(requestId, secrets),
      body: redactDeep(body, secrets),
      retryAfterSeconds: retryAfterMs === undefined ? undefined : Math.ceil(retryAfterMs / 1000),
    },
    { ...(redirect === undefined ? {} : { message: redirect }), ...(note === undefined ? {} : { note }) },
  );
}

/**
 * For a 3xx: that the API redirected, to which origin (never its path, query or user info, where a token could sit),
 * that uploadkit does not follow it, and what to set instead.
 */
function redirectMessage(response: Response, method: string, path: string): string | undefined {
  const status = response.status;
  if (status < 300 || status >= 400) return undefined;
  let from: string | undefined;
  let to: string | undefined;
  try {
    from = new URL(response.url).origin;
  } catch {}
  try {
    const location = response.headers.get("location");
    if (location) to = new URL(location, response.url).origin;
  } catch {}
  const where = to === undefined ? "without a usable Location" : to === from ? `to another path on ${to}` : `to ${to}`;
  const fix =
    to === undefined || to === from
      ? "check the path in the client's `baseUrl`"
      : `if the API has moved there, set the client's \`baseUrl\` to ${to}`;
  return `${method.toUpperCase()} ${path} answered ${status}: the API redirected ${where}. uploadkit does not follow API redirects, so your credentials stay with ${from ?? "the API origin"}; ${fix}.`;
}

function providerMessage(fields: Record<string, unknown>): string | undefined {
  const title = stringField(fields, "title");
  const detail = stringField(fields, "detail") ?? stringField(fields, "hydra:description");
  const violations = Array.isArray(fields.violations)
    ? fields.violations
        .map((v) => (v && typeof v === "object" ? (v as Record<string, unknown>) : {}))
        .map((v) => [v.propertyPath, v.message].filter((s) => typeof s === "string" && s).join(": "))
        .filter(Boolean)
    : [];
  const missing = Array.isArray(fields.missingPermissions) ? fields.missingPermissions.filter((p) => typeof p === "string") : [];
  const errors = Array.isArray(fields.errors)
    ? fields.errors.filter((e) => typeof e === "string").join("; ")
    : stringField(fields, "errors");
  const base =
    stringField(fields, "message") ??
    (typeof fields.error === "string" ? fields.error : undefined) ??
    errors ??
    (title && detail && detail !== title ? `${title}: ${detail}` : (detail ?? title));
  const extras = [
    violations.length > 0 && !base?.includes(violations[0] as string) ? `violations: ${violations.join("; ")}` : undefined,
    missing.length > 0 ? `missing permissions: ${missing.join(", ")}` : undefined,
  ].filter(Boolean);
  const text = [base, ...extras].filter(Boolean).join(" — ");
  return text || undefined;
}

function providerCode(fields: Record<string, unknown> | undefined): string | undefined {
  if (!fields) return undefined;
  const code = stringField(fields, "code") ?? stringField(fields, "type");
  if (code && !code.includes("/")) return code;
  // { error: "SunsetVersion", message: "…" }: the error field is the code when a message is also present.
  if (typeof fields.error === "string" && typeof fields.message === "string") return fields.error;
  return undefined;
}

function stringField(fields: Record<string, unknown> | undefined, name: string): string | undefined {
  const value = fields?.[name];
  return typeof value === "string" && value.length > 0 ? value : undefined;
}

/** A copy of a parsed body with every secret (and URL signature) masked in every string, at any depth. */
function redactDeep(value: unknown, secrets: readonly string[], depth = 0): unknown {
  if (typeof value === "string") return redactSecrets(value, secrets);
  if (depth > 32 || value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map((item) => redactDeep(item, secrets, depth + 1));
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [redactSecrets(key, secrets), redactDeep(item, secrets, depth + 1)]),
  );
}

function redacted(text: string | undefined, secrets: readonly string[]): string | undefined {
  return text === undefined ? undefined : redactSecrets(text, secrets);
}

import { InputError } from "../errors.js";
import { headerValueProblem } from "../http/header-value.js";

/**
 * The transport options a caller gives that nothing else checks before the first request: `fetch`, `userAgent`,
 * `headers` (an API version, say: sent on every call) and `maxResponseBytes`. Each fails here, naming the option,
 * instead of at the first call with fetch's message (which quotes the header's value).
 */
export function assertTransportOptions(options: {
  fetch?: unknown;
  userAgent?: unknown;
  headers?: unknown;
  maxResponseBytes?: unknown;
}): void {
  if (options.fetch !== undefined && typeof options.fetch !== "function")
    fail("fetch must be a function (a fetch implementation).");
  if (options.userAgent !== undefined) headerValue("userAgent", options.userAgent);
  const { headers } = options;
  if (headers !== undefined) {
    if (headers === null || typeof headers !== "object" || Array.isArray(headers))
      fail("headers must be an object of header names and values.");
    for (const [name, value] of Object.entries(headers as Record<string, unknown>)) {
      if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) fail(`headers: ${JSON.stringify(name)} is no header name.`);
      headerValue(`headers["${name}"]`, value);
    }
  }
  const bytes = options.maxResponseBytes;
  if (bytes !== undefined && (typeof bytes !== "number" || !Number.isSafeInteger(bytes) || bytes < 1)) {
    throw new InputError(`maxResponseBytes must be a whole number ≥ 1, got ${JSON.stringify(bytes)}.`, {
      code: "INPUT_INVALID_NUMBER",
    });
  }
}

function headerValue(option: string, value: unknown): void {
  // An empty value is a valid header (and an empty userAgent adds nothing).
  const problem = typeof value !== "string" ? "it is no string" : value === "" ? undefined : headerValueProblem(value);
  if (problem) fail(`${option} cannot be sent as a header: ${problem}.`);
}

function fail(message: string): never {
  throw new InputError(message, { code: "INPUT_INVALID" });
}

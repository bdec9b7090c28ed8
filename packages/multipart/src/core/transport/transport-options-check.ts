import { assertOptions, hasMethods, isOptionsObject, type OptionKind } from "../argument-checks.js";
import { InputError } from "../errors.js";
import { headerValueProblem } from "../http/header-value.js";
import type { ClientTransportOptions } from "./transport-options.js";

/**
 * Every option a provider client takes beside its credentials and base URL, and what each must be (`true`: checked
 * where it is used). A client adds its own names to these, and refuses any other (a `baseURL` would otherwise send
 * the uploads to the default API).
 */
export const CLIENT_OPTIONS: Readonly<Record<keyof ClientTransportOptions | "maxResponseBytes", OptionKind>> = {
  retry: true,
  userAgent: true,
  timeoutMs: true,
  stallTimeoutMs: true,
  onRetry: "function",
  checksum: "boolean",
  fetch: "function",
  logger: true,
  logLevel: true,
  rateLimit: true,
  dispatcher: true,
  maxResponseBytes: 1,
};
const RATE_LIMIT_OPTIONS: Readonly<Record<string, OptionKind>> = { maxCallsPerSecond: "positive", maxRefusals: 0, limiter: true };

/**
 * Refuses a client's options of a name neither every client (`CLIENT_OPTIONS`) nor this one (`own`, held to its
 * options' type by the compiler) knows, or of the wrong kind. `client` names the factory: "createFanvueClient".
 */
export function assertClientOptions<Options extends object>(
  options: Options,
  client: string,
  own: Readonly<Record<Exclude<keyof Options, keyof ClientTransportOptions>, OptionKind>>,
): void {
  assertOptions(options, `${client}'s options`, { ...CLIENT_OPTIONS, ...own });
}

/**
 * The transport options a caller gives that nothing else checks before the first request: `fetch`, `userAgent`,
 * `headers` (an API version, say: sent on every call), `maxResponseBytes`, `checksum`, `onRetry`, `dispatcher` and
 * `rateLimit`. Each fails here, naming the option, instead of at the first call with fetch's message (which quotes
 * the header's value), or never (a `checksum: "no"` that turned integrity on, a `rateLimit: 5` that set no limit).
 */
export function assertTransportOptions(options: {
  userAgent?: unknown;
  headers?: unknown;
  dispatcher?: unknown;
  rateLimit?: unknown;
}): void {
  assertOptions(options, "The client options", CLIENT_OPTIONS, { open: true });
  if (options.dispatcher !== undefined && !hasMethods(options.dispatcher, ["dispatch"]))
    fail("dispatcher must be an undici Dispatcher (an Agent, a Pool, a ProxyAgent…).");
  const { rateLimit } = options;
  if (rateLimit !== false) assertOptions(rateLimit, "rateLimit", RATE_LIMIT_OPTIONS, { prefix: "rateLimit." });
  const limiter = (rateLimit as { limiter?: unknown } | undefined)?.limiter;
  if (limiter !== undefined && !hasMethods(limiter, ["acquire", "succeeded", "refused"])) {
    fail("rateLimit.limiter must be a CallRateLimiter (acquire, succeeded, refused), e.g. an AdaptiveRateLimiter.");
  }
  if (options.userAgent !== undefined) headerValue("userAgent", options.userAgent);
  const { headers } = options;
  if (headers !== undefined) {
    if (!isOptionsObject(headers)) fail("headers must be an object of header names and values.");
    for (const [name, value] of Object.entries(headers as Record<string, unknown>)) {
      if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) fail(`headers: ${JSON.stringify(name)} is no header name.`);
      headerValue(`headers["${name}"]`, value);
    }
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

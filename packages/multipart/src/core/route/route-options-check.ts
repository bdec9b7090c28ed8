import { hasMethods, isOptionsObject } from "../argument-checks.js";
import { InputError } from "../errors.js";

/** Every option `createUploadRoute` knows (route-options.ts): any other name is a typo, refused. */
const ROUTE_OPTION_NAMES = [
  "secret",
  "authorize",
  "maxSize",
  "contentTypes",
  "uploadOptions",
  "allowOptions",
  "relay",
  "onUploadComplete",
  "store",
  "sessionTtlMs",
  "maxSessions",
] as const;

/** `image/png`, `image/*`: what `contentTypes` matches against (route-answers.ts `typeAllowed`). */
const CONTENT_TYPE_PATTERN = /^[a-z0-9][\w.+-]*\/(\*|[a-z0-9][\w.+-]*)$/i;

/**
 * Checks `createUploadRoute`'s options when the route is made, so a misspelt or mistyped option (an `authorise`, a
 * `maxSize` of "10MB", which would compare as no limit) fails at start-up instead of leaving the route open.
 * `secret` is checked by the session tokens.
 */
export function assertRouteOptions(options: unknown): void {
  if (options === undefined) return;
  if (!isOptionsObject(options)) fail("createUploadRoute's options must be an object.");
  const given = options as Record<string, unknown>;
  const unknown = Object.keys(given).filter((name) => !(ROUTE_OPTION_NAMES as readonly string[]).includes(name));
  if (unknown.length > 0) {
    fail(`createUploadRoute does not know the option ${unknown.join(", ")}; it takes ${ROUTE_OPTION_NAMES.join(", ")}.`);
  }
  for (const name of ["authorize", "onUploadComplete"] as const) {
    if (given[name] !== undefined && typeof given[name] !== "function") fail(`createUploadRoute: ${name} must be a function.`);
  }
  const uploadOptions = given.uploadOptions;
  if (
    uploadOptions !== undefined &&
    typeof uploadOptions !== "function" &&
    (uploadOptions === null || typeof uploadOptions !== "object")
  ) {
    fail("createUploadRoute: uploadOptions must be an object of provider options, or a function returning one.");
  }
  wholeNumber(given, "maxSize", 0);
  wholeNumber(given, "sessionTtlMs", 1);
  wholeNumber(given, "maxSessions", 1);
  const types = given.contentTypes;
  if (
    types !== undefined &&
    (!Array.isArray(types) || types.some((type) => typeof type !== "string" || !CONTENT_TYPE_PATTERN.test(type)))
  ) {
    fail(
      `createUploadRoute: contentTypes must be a list of MIME types or type/* patterns (["video/*", "image/png"]), got ${JSON.stringify(types)}.`,
    );
  }
  const allowed = given.allowOptions;
  if (allowed !== undefined && (!Array.isArray(allowed) || allowed.some((name) => typeof name !== "string"))) {
    fail("createUploadRoute: allowOptions must be a list of provider option names.");
  }
  if (given.relay !== undefined && typeof given.relay !== "boolean") fail("createUploadRoute: relay must be true or false.");
  if (given.store !== undefined && !hasMethods(given.store, ["get", "setIfAbsent", "delete"])) {
    fail("createUploadRoute: store must be an UploadRouteStore (get, setIfAbsent, delete), e.g. redisStore({ url }).");
  }
}

function wholeNumber(given: Record<string, unknown>, name: string, least: number): void {
  const value = given[name];
  if (value !== undefined && (typeof value !== "number" || !Number.isSafeInteger(value) || value < least)) {
    fail(`createUploadRoute: ${name} must be a whole number ≥ ${least}, got ${JSON.stringify(value)}.`);
  }
}

function fail(message: string): never {
  throw new InputError(message, { code: "INPUT_ROUTE_OPTIONS" });
}

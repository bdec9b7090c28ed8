import { InputError } from "./errors.js";

// The checks a public function makes of what a JavaScript caller (or a TypeScript caller through `as`) hands it, so
// a wrong kind of argument is an InputError naming it instead of a TypeError from deep inside, or an option silently
// ignored. One checker and one wording for every object of options: it also keeps a page's bundle small.

/**
 * What an option must be: a function, true or false, a string, a non-empty string, an AbortSignal, a number > 0, a
 * credential (a string or a function that gives one), or (a number n) a whole number ≥ n. `true`: any value (the
 * option is known, and checked where it is used).
 */
export type OptionKind = "function" | "boolean" | "string" | "text" | "signal" | "positive" | "credential" | number | true;

const KIND_TEXT: Record<string, string> = {
  function: "a function",
  boolean: "true or false",
  string: "a string",
  text: "a non-empty string",
  signal: "an AbortSignal",
  positive: "a number > 0",
  credential: "a string or a function",
};

/** How `assertOptions` words and codes what it refuses. */
export interface OptionsCheck {
  /** Put before each option's name: `rateLimit.`. */
  prefix?: string;
  /** Said after the known names when a name is unknown. */
  hint?: string;
  /** Names not in the shape are allowed (options shared with other checks). */
  open?: boolean;
  /** The code of every error, instead of INPUT_INVALID, INPUT_INVALID_NUMBER and INPUT_UNKNOWN_OPTION. */
  code?: string;
}

/**
 * Checks an object of options against `shape`: `undefined` passes, anything but an object fails, a name the shape
 * lacks and given a value fails (a misspelt option would otherwise be ignored) unless `open`, and each value given must
 * be of its kind.
 * `what` names the object: "uploadMany's options", "retry".
 */
export function assertOptions(
  value: unknown,
  what: string,
  shape: Readonly<Record<string, OptionKind>>,
  check: OptionsCheck = {},
): asserts value is Record<string, unknown> | undefined {
  if (value === undefined) return;
  const fail = (message: string, code: string): never => {
    throw new InputError(message, { code: check.code ?? code });
  };
  if (!isOptionsObject(value)) fail(`${what} must be an object, got ${describeValue(value)}.`, "INPUT_INVALID");
  const given = value as Record<string, unknown>;
  // A name given as undefined sets nothing, so it is let through (an options object built for several providers).
  const unknown = check.open ? [] : Object.keys(given).filter((name) => given[name] !== undefined && !Object.hasOwn(shape, name));
  if (unknown.length > 0) {
    fail(
      `${what}: unknown option ${unknown.join(", ")}; the options are ${Object.keys(shape).join(", ")}.${check.hint ? ` ${check.hint}` : ""}`,
      "INPUT_UNKNOWN_OPTION",
    );
  }
  for (const [name, kind] of Object.entries(shape)) {
    const option = given[name];
    if (option === undefined || kind === true || fits(option, kind)) continue;
    const least = typeof kind === "number";
    fail(
      `${check.prefix ?? ""}${name} must be ${least ? `a whole number ≥ ${kind}` : KIND_TEXT[kind]}, got ${describeValue(option)}.`,
      least || kind === "positive" ? "INPUT_INVALID_NUMBER" : "INPUT_INVALID",
    );
  }
}

function fits(value: unknown, kind: Exclude<OptionKind, true>): boolean {
  if (typeof kind === "number") return Number.isSafeInteger(value) && (value as number) >= kind;
  if (kind === "positive") return typeof value === "number" && Number.isFinite(value) && value > 0;
  if (kind === "text") return typeof value === "string" && value.length > 0;
  if (kind === "signal") return value instanceof AbortSignal;
  if (kind === "credential") return typeof value === "string" || typeof value === "function";
  return typeof value === kind;
}

/** Whether `value` is an object with a function under each of `names` (a store, a journal, a source of the caller's). */
export function hasMethods(value: unknown, names: readonly string[]): boolean {
  if (value === null || (typeof value !== "object" && typeof value !== "function")) return false;
  const record = value as Record<string, unknown>;
  return names.every((name) => typeof record[name] === "function");
}

/** Whether `value` is an object of named options: not null, an array or a primitive. */
export function isOptionsObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** Refuses anything but a non-empty string; `what` names it ("fileJournal's path"). */
export function assertText(value: unknown, what: string): asserts value is string {
  if (typeof value !== "string" || value.length === 0) {
    throw new InputError(`${what} must be a non-empty string, got ${describeValue(value)}.`, { code: "INPUT_INVALID" });
  }
}

/** A value's kind as a message says it: never its contents beyond a number (a string may be a secret). */
export function describeValue(value: unknown): string {
  if (value === null || typeof value === "number" || typeof value === "boolean" || value === undefined) return String(value);
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string") return value ? "a string" : "an empty string";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

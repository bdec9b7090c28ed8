import { CheckpointError, ProviderResponseError } from "../errors.js";

/**
 * Checks on a provider's answer before the flow relies on it. Each failure is a ProviderResponseError naming the
 * provider, the operation and the field. These are the checks a schema cannot state (a URL list as long as the
 * plan, distinct absolute URLs, a plan that covers the file), plus the few fields the flow reads.
 */
export function answerChecks(provider: string, operation: string) {
  return fieldChecks((field, problem) => {
    throw new ProviderResponseError(
      `${provider} answered ${operation} with ${problem} in ${field}; the upload cannot go on (nothing more was sent).`,
      { provider, operation, field },
    );
  });
}

/** The same checks on a checkpoint's provider session; a failure is a CheckpointError naming the field. */
export function checkpointChecks(description: string) {
  return fieldChecks((field, problem) => {
    throw new CheckpointError(`The checkpoint ${description} has ${problem} in session.${field}; delete it to start over.`, {
      code: "CHECKPOINT_CORRUPT",
    });
  });
}

function fieldChecks(fail: (field: string, problem: string) => never) {
  const checks = {
    fail,
    /** A non-empty string. */
    string(value: unknown, field: string): string {
      if (typeof value !== "string" || value.length === 0) fail(field, `${describe(value)} where an id or text was expected`);
      return value as string;
    },
    /** A whole number in [min, max]. */
    integer(value: unknown, field: string, min: number, max: number): number {
      if (typeof value !== "number" || !Number.isSafeInteger(value) || value < min || value > max) {
        fail(field, `${describe(value)} where a whole number from ${min} to ${max} was expected`);
      }
      return value as number;
    },
    /** An absolute http(s) URL. */
    httpUrl(value: unknown, field: string): string {
      const text = checks.string(value, field);
      let url: URL | undefined;
      try {
        url = new URL(text);
      } catch {}
      if (!url || (url.protocol !== "https:" && url.protocol !== "http:"))
        fail(field, "a value that is not an absolute http(s) URL");
      return text;
    },
    /** Exactly `count` distinct absolute http(s) URLs. */
    urlList(value: unknown, field: string, count: number): string[] {
      if (!Array.isArray(value)) return fail(field, `${describe(value)} where a list of ${count} URLs was expected`);
      if (value.length !== count) fail(field, `${value.length} URLs where the plan has ${count} parts`);
      const seen = new Set<string>();
      return value.map((item, index) => {
        const url = checks.httpUrl(item, `${field}[${index}]`);
        if (seen.has(url)) fail(`${field}[${index}]`, "a URL that is already given for another part");
        seen.add(url);
        return url;
      });
    },
  };
  return checks;
}

function describe(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (typeof value === "string") return value.length === 0 ? "an empty string" : "a string";
  return `a ${Array.isArray(value) ? "list" : typeof value}`;
}

import { InputError } from "../errors.js";

/** `type/subtype` of RFC 9110 tokens, then optional parameters of printable ASCII: no line breaks, ever. */
const MIME_TYPE = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+\/[!#$%&'*+.^_`|~0-9A-Za-z-]+([ \t]*;[ -~]*)?$/;

/** Throws an InputError unless `value` is a MIME type that is safe to put in a header as it is. */
export function assertMimeType(value: unknown, name = "contentType"): asserts value is string {
  if (typeof value !== "string" || !MIME_TYPE.test(value)) {
    throw new InputError(`${name} must be a MIME type such as video/mp4, got ${JSON.stringify(value)}.`, {
      code: "INPUT_CONTENT_TYPE",
    });
  }
}

/**
 * Refuses a `filename` or `contentType` given empty, blank or of another kind than a string, and a `contentType` that
 * is no MIME type: what `openSource` and every upload's options take.
 */
export function assertNameAndType(options: { filename?: unknown; contentType?: unknown }): void {
  for (const name of ["contentType", "filename"] as const) {
    const value = options[name];
    if (value !== undefined && (typeof value !== "string" || value.trim() === "")) {
      throw new InputError(`${name} must not be empty: give a non-empty string, got ${JSON.stringify(value)}.`, {
        code: name === "filename" ? "INPUT_FILENAME" : "INPUT_CONTENT_TYPE",
      });
    }
  }
  if (options.contentType !== undefined) assertMimeType(options.contentType);
}

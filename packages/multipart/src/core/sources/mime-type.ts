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

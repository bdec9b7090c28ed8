import { InputError } from "../errors.js";

/** Throws an InputError naming `option` unless `value` is an absolute http: or https: URL (checked before any call). */
export function assertHttpUrl(option: string, value: string): void {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (url?.protocol !== "http:" && url?.protocol !== "https:") {
    const shown = url ? `one starting ${url.protocol}` : JSON.stringify(value.slice(0, 200));
    throw new InputError(`${option} must be an absolute http:// or https:// URL, got ${shown}.`, { code: "INPUT_BASE_URL" });
  }
}

/**
 * Why `value` cannot be sent as an HTTP header value as it is, if it cannot — never quoting it (it may be a secret).
 * Stricter than HTTP where a value is surely a mistake: no leading or trailing space, no line break (a value read
 * from a file or an environment file often keeps its `\n`, or a Windows `\r`).
 */
export function headerValueProblem(value: string): string | undefined {
  if (value.length === 0) return "it is empty";
  if (/[\r\n]/.test(value)) return "it has a line break";
  if (value.trim() !== value) return "it starts or ends with a space";
  // A tab may sit inside a header value; no other control character may.
  if (/\p{Cc}/u.test(value.replaceAll("\t", ""))) return "it has a control character";
  if ([...value].some((character) => (character.codePointAt(0) as number) > 0xff)) {
    return "it has a character an HTTP header cannot carry";
  }
  return undefined;
}

/**
 * Keeps secrets out of messages: a presigned URL's query string (its signature) is
 * replaced, and known secret values are masked wherever they appear.
 */
export function redactUrl(url: string | URL): string {
  try {
    const parsed = new URL(String(url));
    const query = parsed.search ? "?<redacted>" : "";
    return `${parsed.origin}${parsed.pathname}${query}`;
  } catch {
    return "<invalid url>";
  }
}

const MIN_SECRET_LENGTH = 4;

export function redactSecrets(text: string, secrets: Iterable<string | undefined>): string {
  let result = text;
  for (const secret of secrets) {
    if (secret && secret.length >= MIN_SECRET_LENGTH) result = result.split(secret).join("<redacted>");
  }
  return result.replace(
    /([?&](?:X-Amz-Signature|X-Amz-Credential|X-Amz-Security-Token|Signature|sig)=)[^&\s"']+/gi,
    "$1<redacted>",
  );
}

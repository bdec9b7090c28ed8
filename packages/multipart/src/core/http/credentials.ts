import { InputError } from "../errors.js";
import { redactUrl } from "../redact.js";

/** Headers that carry credentials. They may only go to the provider's API origin. */
const CREDENTIAL_HEADERS = new Set([
  "authorization",
  "proxy-authorization",
  "cookie",
  "apikey",
  "api-key",
  "x-api-key",
  "x-connection-id",
  "x-auth-token",
]);

export function isCredentialHeader(name: string): boolean {
  return CREDENTIAL_HEADERS.has(name.toLowerCase());
}

export function originOf(url: string | URL): string {
  return new URL(String(url)).origin;
}

/**
 * Throws before sending when `headers` carry a credential to a URL outside `credentialOrigin`
 * (for example an API key handed to a presigned URL on another host).
 */
export function assertCredentialsStayOnOrigin(
  url: string,
  headers: Record<string, string> | undefined,
  credentialOrigin: string | undefined,
): void {
  const leaked = Object.keys(headers ?? {}).filter(isCredentialHeader);
  if (leaked.length === 0) return;
  if (credentialOrigin !== undefined && originOf(url) === originOf(credentialOrigin)) return;
  throw new InputError(
    `Refusing to send credentials (${leaked.join(", ")}) to ${redactUrl(url)}: credentials only go to the API origin${
      credentialOrigin ? ` ${originOf(credentialOrigin)}` : ""
    }.`,
    { code: "CREDENTIALS_FOREIGN_ORIGIN" },
  );
}

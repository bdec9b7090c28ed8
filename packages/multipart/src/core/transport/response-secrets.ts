/** The secrets of the transport each API response came through, so errors built from it can redact them. */
const secretsByResponse = new WeakMap<Response, readonly string[]>();

export function rememberSecrets(response: Response, secrets: readonly string[]): Response {
  secretsByResponse.set(response, secrets);
  return response;
}

export function secretsOf(response: Response): readonly string[] {
  return secretsByResponse.get(response) ?? [];
}

/**
 * Session tokens signed with HMAC-SHA-256 (WebCrypto, so any runtime): `<id>.<signature>`. A token whose signature
 * does not match its id was forged or changed; the id alone says nothing of the session, which stays on the server.
 */
export class SessionSigner {
  private readonly key: ReturnType<typeof crypto.subtle.importKey>;

  constructor(secret: string | Uint8Array | undefined) {
    const bytes =
      secret === undefined
        ? crypto.getRandomValues(new Uint8Array(32))
        : typeof secret === "string"
          ? new TextEncoder().encode(secret)
          : secret;
    this.key = crypto.subtle.importKey("raw", bytes as Uint8Array<ArrayBuffer>, { name: "HMAC", hash: "SHA-256" }, false, [
      "sign",
      "verify",
    ]);
  }

  /** A new session id and its token. */
  async issue(): Promise<{ id: string; token: string }> {
    const id = base64url(crypto.getRandomValues(new Uint8Array(18)));
    return { id, token: `${id}.${await this.signature(id)}` };
  }

  /** The session id a token carries, or undefined when it is malformed or its signature does not match. */
  async verify(token: unknown): Promise<string | undefined> {
    if (typeof token !== "string" || token.length > 200) return undefined;
    const [id, signature, extra] = token.split(".");
    if (!id || !signature || extra !== undefined) return undefined;
    const expected = fromBase64url(signature);
    if (!expected) return undefined;
    const valid = await crypto.subtle.verify(
      "HMAC",
      await this.key,
      expected as Uint8Array<ArrayBuffer>,
      new TextEncoder().encode(id),
    );
    return valid ? id : undefined;
  }

  private async signature(id: string): Promise<string> {
    return base64url(new Uint8Array(await crypto.subtle.sign("HMAC", await this.key, new TextEncoder().encode(id))));
  }
}

function base64url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes))
    .replaceAll("+", "-")
    .replaceAll("/", "_")
    .replace(/=+$/, "");
}

/** The bytes of an HMAC-SHA-256 signature in base64url, or undefined for anything else. */
function fromBase64url(text: string): Uint8Array | undefined {
  if (!/^[A-Za-z0-9_-]{43}$/.test(text)) return undefined;
  try {
    const binary = atob(`${text.replaceAll("-", "+").replaceAll("_", "/")}=`);
    return Uint8Array.from(binary, (char) => char.charCodeAt(0));
  } catch {
    return undefined;
  }
}

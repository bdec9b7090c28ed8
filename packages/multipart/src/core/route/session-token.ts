import { readableChunks } from "../sources/byte-streams.js";

/** A route secret: the first of a list seals, every one opens (rotate keys while uploads are in flight). */
export type RouteSecret = string | Uint8Array;

const MAX_TOKEN_LENGTH = 64 * 1024;
const IV_BYTES = 12;

/**
 * Session tokens sealed with AES-256-GCM (WebCrypto, so any runtime), the key derived from the route's secret by
 * HKDF-SHA-256: the page can neither read nor change what a token carries, and any instance holding one of the
 * secrets opens it. What the route needs between steps (the file, the options, the provider's session, the plan,
 * the expiry) rides in the token, compressed — no instance keeps it.
 */
export class SessionSealer {
  private readonly keys: ReturnType<typeof crypto.subtle.importKey>[];

  constructor(secret: RouteSecret | readonly RouteSecret[] | undefined, purpose = "session") {
    const secrets =
      secret === undefined ? [crypto.getRandomValues(new Uint8Array(32))] : Array.isArray(secret) ? secret : [secret];
    if (secrets.length === 0) throw new TypeError("createUploadRoute: secret must not be an empty list.");
    for (const one of secrets) {
      const length = typeof one === "string" ? new TextEncoder().encode(one).length : (one as Uint8Array)?.length;
      if (!(length >= 16)) {
        throw new TypeError("createUploadRoute: each secret must be at least 16 bytes (32 random bytes, base64, is a good one).");
      }
    }
    this.keys = (secrets as RouteSecret[]).map((one) => deriveKey(one, purpose));
  }

  /** `payload` as an opaque token. */
  async seal(payload: unknown): Promise<string> {
    const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
    const plain = await deflate(new TextEncoder().encode(JSON.stringify(payload)));
    const sealed = new Uint8Array(
      await crypto.subtle.encrypt(
        { name: "AES-GCM", iv },
        await (this.keys[0] as ReturnType<typeof crypto.subtle.importKey>),
        plain as Uint8Array<ArrayBuffer>,
      ),
    );
    const token = new Uint8Array(IV_BYTES + sealed.length);
    token.set(iv);
    token.set(sealed, IV_BYTES);
    return base64url(token);
  }

  /** What a token carries, or undefined when it is malformed or no secret of the route sealed it (or it was changed). */
  async open(token: unknown): Promise<unknown> {
    if (typeof token !== "string" || token.length > MAX_TOKEN_LENGTH || !/^[A-Za-z0-9_-]{40,}$/.test(token)) return undefined;
    const bytes = fromBase64url(token);
    if (!bytes) return undefined;
    const iv = bytes.subarray(0, IV_BYTES);
    const sealed = bytes.subarray(IV_BYTES);
    for (const key of this.keys) {
      let plain: ArrayBuffer;
      try {
        plain = await crypto.subtle.decrypt({ name: "AES-GCM", iv }, await key, sealed as Uint8Array<ArrayBuffer>);
      } catch {
        continue;
      }
      try {
        return JSON.parse(new TextDecoder().decode(await inflate(new Uint8Array(plain))));
      } catch {
        return undefined;
      }
    }
    return undefined;
  }
}

async function deriveKey(secret: RouteSecret, purpose: string): ReturnType<typeof crypto.subtle.importKey> {
  const bytes = typeof secret === "string" ? new TextEncoder().encode(secret) : secret;
  const material = await crypto.subtle.importKey("raw", bytes as Uint8Array<ArrayBuffer>, "HKDF", false, ["deriveKey"]);
  return crypto.subtle.deriveKey(
    {
      name: "HKDF",
      hash: "SHA-256",
      salt: new TextEncoder().encode("uploadkit upload route"),
      info: new TextEncoder().encode(`${purpose} v1`),
    },
    material,
    { name: "AES-GCM", length: 256 },
    false,
    ["encrypt", "decrypt"],
  );
}

async function deflate(bytes: Uint8Array): Promise<Uint8Array> {
  return piped(bytes, new CompressionStream("deflate-raw"));
}

/** Inflates at most 1 MiB: a sealed token is ours, but a bound costs nothing. */
async function inflate(bytes: Uint8Array): Promise<Uint8Array> {
  return piped(bytes, new DecompressionStream("deflate-raw"), 1024 * 1024);
}

async function piped(
  bytes: Uint8Array,
  transform: TransformStream<Uint8Array, Uint8Array>,
  limit = Infinity,
): Promise<Uint8Array> {
  const output = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(transform);
  const chunks: Uint8Array[] = [];
  let length = 0;
  for await (const chunk of readableChunks(output)) {
    length += chunk.length;
    if (length > limit) throw new RangeError("token too large");
    chunks.push(chunk);
  }
  return new Uint8Array(await new Blob(chunks as Uint8Array<ArrayBuffer>[]).arrayBuffer());
}

function base64url(bytes: Uint8Array): string {
  let binary = "";
  for (let index = 0; index < bytes.length; index += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(index, index + 0x8000));
  }
  return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

function fromBase64url(text: string): Uint8Array | undefined {
  try {
    const binary = atob(text.replaceAll("-", "+").replaceAll("_", "/"));
    return Uint8Array.from(binary, (char) => char.charCodeAt(0));
  } catch {
    return undefined;
  }
}

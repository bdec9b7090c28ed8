import { readableChunks } from "../sources/byte-streams.js";
import { assertMimeType } from "../sources/mime-type.js";
import type { RouteErrorAnswer, RouteFile } from "./protocol.js";

const JSON_LIMIT = 64 * 1024;

/** A refusal the route answers with: the status, a stable code and a message that says what to change. */
export class RouteRefusal extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", "cache-control": "no-store", ...headers },
  });
}

export function refusal(error: RouteRefusal): Response {
  const body: RouteErrorAnswer = { error: { code: error.code, message: error.message }, ...error.extra };
  return json(error.status, body, error.status === 503 ? { "retry-after": "2" } : {});
}

/** A JSON body of at most 64 KiB. */
export async function readJson(request: Request): Promise<unknown> {
  const bytes: Uint8Array[] = [];
  let length = 0;
  if (!request.body) throw new RouteRefusal(400, "ROUTE_BODY", "The request needs a JSON body.");
  for await (const chunk of readableChunks(request.body)) {
    length += chunk.length;
    if (length > JSON_LIMIT) throw new RouteRefusal(413, "ROUTE_BODY", `A JSON body over ${JSON_LIMIT} bytes is refused.`);
    bytes.push(chunk);
  }
  try {
    return JSON.parse(new TextDecoder().decode(await new Blob(bytes as Uint8Array<ArrayBuffer>[]).arrayBuffer()));
  } catch {
    throw new RouteRefusal(400, "ROUTE_BODY", "The request body is not JSON.");
  }
}

/** The file a page declares, checked field by field. */
export function checkFile(value: unknown): RouteFile {
  const file = value as Partial<RouteFile> | undefined;
  const bad = (what: string) => new RouteRefusal(400, "ROUTE_FILE", `The file's ${what} is missing or invalid.`);
  if (!file || typeof file !== "object") throw bad("description");
  if (typeof file.filename !== "string" || file.filename.trim() === "" || file.filename.length > 1024) throw bad("filename");
  if (!Number.isSafeInteger(file.size) || (file.size as number) < 0) throw bad("size");
  try {
    assertMimeType(file.contentType);
  } catch {
    throw bad("contentType");
  }
  return { filename: file.filename, size: file.size as number, contentType: file.contentType as string };
}

/** A MIME type without parameters, lower case. */
export function essence(contentType: string): string {
  return contentType.split(";")[0]?.trim().toLowerCase() ?? "";
}

/** Is `contentType` one of `allowed` (`image/png`, or `image/*`)? */
export function typeAllowed(contentType: string, allowed: readonly string[]): boolean {
  const type = essence(contentType);
  return allowed.some((pattern) => {
    const wanted = pattern.toLowerCase();
    return wanted.endsWith("/*") ? type.startsWith(wanted.slice(0, -1)) : type === wanted;
  });
}

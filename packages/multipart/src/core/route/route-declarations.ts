import { sniffContentType } from "#runtime";
import { concatBytes } from "../sources/byte-streams.js";
import { sniffSignature } from "../sources/media-signatures.js";
import type { RouteFile } from "./protocol.js";
import { essence, RouteRefusal, typeAllowed } from "./route-answers.js";

/** Enough of a file's first bytes for any format's signature (file-type reads at most 4,100). */
const HEAD_BYTES = 4100;

/** Types no signature shows (text): their bytes cannot be told from another text's, so the declaration stands. */
const UNSNIFFABLE = /^(text\/[^;]+|application\/(json|xml|x-ndjson|csv)|image\/svg\+xml)$/;

/** A request body whose first bytes were read ahead, and all of it, still to be read once. */
export interface PeekedBody {
  head: Uint8Array;
  chunks(): AsyncGenerator<Uint8Array>;
}

/** Reads the first `HEAD_BYTES` of `body` (or all of a shorter one) ahead of the rest. */
export async function peekHead(body: ReadableStream<Uint8Array>): Promise<PeekedBody> {
  const reader = body.getReader();
  const first: Uint8Array[] = [];
  let length = 0;
  let done = false;
  while (length < HEAD_BYTES) {
    const next = await reader.read();
    if (next.done) {
      done = true;
      break;
    }
    first.push(next.value);
    length += next.value.length;
  }
  const head = concatBytes(first, length);
  let taken = false;
  return {
    head: head.subarray(0, HEAD_BYTES),
    async *chunks() {
      if (taken) throw new RouteRefusal(409, "ROUTE_BODY_USED", "The relayed body was already sent once.");
      taken = true;
      try {
        if (head.length > 0) yield head;
        while (!done) {
          const next = await reader.read();
          if (next.done) return;
          yield next.value;
        }
      } finally {
        await reader.cancel().catch(() => {});
      }
    },
  };
}

/**
 * Refuses bytes that are not what the page declared and the route allows: the type their signature shows must be
 * of the declared kind (`image/…` for an image) and one of `allowed`; bytes no signature names pass only as a
 * declared text type. Called on a relayed file's (or first part's) first bytes before any is sent on.
 */
export async function checkSniffed(head: Uint8Array, file: RouteFile, allowed: readonly string[] | undefined): Promise<void> {
  const sniffed = (await sniffContentType(head).catch(() => undefined)) ?? (await sniffSignature(head));
  const declared = essence(file.contentType);
  if (sniffed === undefined) {
    if (UNSNIFFABLE.test(declared)) return;
    throw new RouteRefusal(
      415,
      "ROUTE_CONTENT_MISMATCH",
      `The bytes sent are not ${declared}: their first bytes match no ${declared.split("/")[0]} format.`,
    );
  }
  if (!sameKind(sniffed, declared) || (allowed && !typeAllowed(sniffed, allowed))) {
    throw new RouteRefusal(
      415,
      "ROUTE_CONTENT_MISMATCH",
      `The page declared ${declared}, but the bytes sent are ${sniffed}${allowed ? ` (this route takes ${allowed.join(", ")})` : ""}.`,
    );
  }
}

/** What a provider reports it stored, against what the page declared and the route allowed: why not, or undefined. */
export function storedMismatch(
  stored: { size?: number | undefined; contentType?: string | undefined },
  file: RouteFile,
  allowed: readonly string[] | undefined,
): string | undefined {
  if (stored.size !== undefined && stored.size !== file.size) {
    return `the provider stored ${stored.size} bytes, but the page declared ${file.size}`;
  }
  const type = stored.contentType === undefined ? undefined : essence(stored.contentType);
  if (type && (!sameKind(type, essence(file.contentType)) || (allowed && !typeAllowed(type, allowed)))) {
    return `the provider stored ${type}, but the page declared ${essence(file.contentType)}${allowed ? ` (this route takes ${allowed.join(", ")})` : ""}`;
  }
  return undefined;
}

/** Same top-level type (`image`, `video`…); `application/octet-stream` is no kind and matches nothing declared otherwise. */
function sameKind(actual: string, declared: string): boolean {
  if (actual === declared) return true;
  const [actualKind] = actual.split("/");
  const [declaredKind] = declared.split("/");
  return actualKind === declaredKind && actualKind !== "application";
}

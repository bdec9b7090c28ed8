import type { CommonUploadOptions } from "@uploadkit/multipart";
import { IntegrityError, ProviderResponseError, unwrap } from "@uploadkit/multipart";
import { createMultipartFormBody, digestSource, type UploadAdapter } from "@uploadkit/multipart/internal";
import type { Client } from "openapi-fetch";
import type { FlowkiwiMedia } from "./flowkiwi-media.js";
import type { paths } from "./generated/openapi.js";
import { assertWithinLimits } from "./limits.js";
import { iterateMedia } from "./media-pages.js";

export type { FlowkiwiMedia } from "./flowkiwi-media.js";

/** Options of `uploadMedia`: the common options every provider takes, and this provider's own. */
export interface UploadMediaOptions extends CommonUploadOptions {
  /** Compare the SHA-256 computed while sending with the `hash` Flowkiwi returns. Default true. */
  verifyHash?: boolean;
  /**
   * Also retry after a failure once the request may have reached the server (a connection cut mid-request,
   * 500/502/504). Off by default: if the 201 was lost, a retry creates a second media.
   */
  retryUnsafe?: boolean;
}

const MEDIA_PATH = "/rest/api/medias";
const LOOKUP_MAX_PAGES = 200;
const MEDIA_RESPONSE_LIMIT = 4 * 1024 * 1024;

/** Flowkiwi's part of the upload flow: one streamed multipart/form-data POST that creates the Media. */
export function flowkiwiAdapter(
  baseUrl: string,
  /** The client's API, to find an upload a crashed run left unjournaled (journal lookups). */
  api?: Client<paths>,
): UploadAdapter<UploadMediaOptions, undefined, FlowkiwiMedia> {
  const url = `${baseUrl.replace(/\/+$/, "")}${MEDIA_PATH}`;
  return {
    provider: "flowkiwi",
    ownOptions: { verifyHash: "boolean", retryUnsafe: "boolean" },
    unsupported: {
      checkpoint: "a Flowkiwi upload is a single request, so there is nothing to resume; drop the checkpoint.",
      partSize: "Flowkiwi takes the file in one request.",
      partCount: "Flowkiwi takes the file in one request.",
    },
    validate(source) {
      assertWithinLimits(source, source.contentType);
    },
    async lookup({ source, signal }) {
      // Flowkiwi lists media with the SHA-256 it stored (`hash`); no filter by hash exists, so the list of this type
      // is read page by page (bounded: LOOKUP_MAX_PAGES of 100) for those bytes.
      if (!api) return undefined;
      const sha256 = await digestSource(source, "sha256", signal, { name: "a journal lookup", code: "INPUT_JOURNAL_SOURCE" });
      const type = mediaTypeOf(source.contentType);
      for await (const media of iterateMedia(api, { itemsPerPage: 100, type }, { signal, maxPages: LOOKUP_MAX_PAGES })) {
        if (media.hash?.toLowerCase() === sha256) return media;
      }
      return undefined;
    },
    transfer({ source, options }) {
      const form = createMultipartFormBody({ field: "file", source });
      const verify = options.verifyHash !== false;
      return {
        single: {
          url,
          method: "POST",
          headers: { accept: "application/ld+json, application/problem+json", "content-type": form.contentType },
          credentials: true,
          head: form.head,
          tail: form.tail,
          digests: ["sha256"],
          // A lost 201 followed by a retry would create a second media.
          repeatable: options.retryUnsafe === true,
          responseLimit: MEDIA_RESPONSE_LIMIT,
          accept: (answer) => {
            const media = parseMedia(answer.body);
            if (!media) {
              return {
                error: new ProviderResponseError("Flowkiwi answered 201 without a Media resource (no @id) in the body.", {
                  provider: "flowkiwi",
                  operation: "POST /rest/api/medias",
                  field: "@id",
                  code: "API_MALFORMED_BODY",
                }),
              };
            }
            const computed = answer.digest("sha256") as string;
            if (verify && media.hash?.toLowerCase() !== computed) {
              return {
                error: new IntegrityError(
                  `Flowkiwi stored media ${media.id ?? media["@id"]} with hash ${media.hash ?? "(none)"}, but the SHA-256 of the bytes sent is ${computed}.`,
                  { code: "FLOWKIWI_HASH_MISMATCH", expected: computed, actual: media.hash ?? "" },
                ),
              };
            }
            return { value: media };
          },
        },
      };
    },
    idOf: (media) => media.id ?? media["@id"],
    // Flowkiwi derives the stored media's type from its bytes: an upload route holds it against the declaration.
    stored: (media) => ({ contentType: media.mimeType ?? undefined }),
    remove: api
      ? async ({ signal }, _session, media) => {
          const id = media.id ?? media["@id"].split("/").pop() ?? "";
          await unwrap(api.DELETE("/rest/api/medias/{id}", { params: { path: { id } }, signal }));
        }
      : undefined,
  };
}

/** Flowkiwi's media `type` for a MIME type, as it assigns it. */
function mediaTypeOf(contentType: string): "image" | "video" | "file" {
  return contentType.startsWith("image/") ? "image" : contentType.startsWith("video/") ? "video" : "file";
}

function parseMedia(text: string): FlowkiwiMedia | undefined {
  try {
    const body = JSON.parse(text) as FlowkiwiMedia;
    return body && typeof body === "object" && typeof body["@id"] === "string" ? body : undefined;
  } catch {
    return undefined;
  }
}

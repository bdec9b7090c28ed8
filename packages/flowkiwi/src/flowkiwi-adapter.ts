import type { CommonUploadOptions } from "@uploadkit/multipart";
import { IntegrityError, ProviderResponseError } from "@uploadkit/multipart";
import { createMultipartFormBody, type UploadAdapter } from "@uploadkit/multipart/internal";
import type { components } from "./generated/openapi.js";
import { assertWithinLimits } from "./limits.js";

/** A Flowkiwi Media resource (JSON-LD): `@id` is the IRI products and variants reference. */
export type FlowkiwiMedia = components["schemas"]["Media"];

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
const MEDIA_RESPONSE_LIMIT = 4 * 1024 * 1024;

/** Flowkiwi's part of the upload flow: one streamed multipart/form-data POST that creates the Media. */
export function flowkiwiAdapter(baseUrl: string): UploadAdapter<UploadMediaOptions, undefined, FlowkiwiMedia> {
  const url = `${baseUrl.replace(/\/+$/, "")}${MEDIA_PATH}`;
  return {
    provider: "flowkiwi",
    unsupported: {
      checkpoint: "a Flowkiwi upload is a single request, so there is nothing to resume; drop the checkpoint.",
      partSize: "Flowkiwi takes the file in one request.",
      partCount: "Flowkiwi takes the file in one request.",
    },
    validate(source) {
      assertWithinLimits(source, source.contentType);
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
  };
}

function parseMedia(text: string): FlowkiwiMedia | undefined {
  try {
    const body = JSON.parse(text) as FlowkiwiMedia;
    return body && typeof body === "object" && typeof body["@id"] === "string" ? body : undefined;
  } catch {
    return undefined;
  }
}

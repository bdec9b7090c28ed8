import type { CommonUploadOptions, Part, UploadSource } from "@uploadkit/multipart";
import { UploadkitError, unwrap, unwrapWithResponse } from "@uploadkit/multipart";
import { checkpointChecks, digestSource, type UploadAdapter } from "@uploadkit/multipart/internal";
import type { Client } from "openapi-fetch";
import type { components, paths } from "./generated/openapi.js";
import { planFromInit } from "./upload-plan.js";

/** A vault media record. */
export type OfauthMedia = components["schemas"]["Media"];
type InitBody = NonNullable<paths["/v2/access/uploads/init"]["post"]["requestBody"]>["content"]["application/json"];

/** Options of `uploadMedia`: the common options every provider takes, and this provider's own. */
export interface UploadMediaOptions extends CommonUploadOptions {
  /** Upload into the vault for a message (`{ mode: "message", userId }`). */
  vaultUpload?: InitBody["vaultUpload"];
  /** Ask the vault first (MD5 + size) and skip the upload when the media is already there. */
  skipIfExists?: boolean;
}

/** Uploaded: reference it in posts and messages as the `mediaItems` entry `mediaUploadId` (usable once). */
export interface OfauthUploaded {
  /** The finished upload's id: what posts and messages take in `mediaItems` (once). */
  mediaUploadId: string;
  /** The vault media, when OFAuth returned it. */
  media?: OfauthMedia;
  /** False: the bytes were sent. */
  skipped?: false;
}

/** Already in the vault (`skipIfExists`, or found there after an ambiguous failure): reference `media.id`. */
export interface OfauthSkipped {
  /** No new upload was made. */
  mediaUploadId?: undefined;
  /** The vault media with these bytes. */
  media: OfauthMedia;
  /** True: nothing was sent (or the vault already had the bytes). */
  skipped: true;
}

/** OFAuth's own record of an upload. */
export type OfauthUpload = OfauthUploaded | OfauthSkipped;

interface OfauthSession {
  mediaUploadId: string;
  single: boolean;
  parts: Part[];
  urls: Record<number, string>;
}

/** OFAuth's part of the upload flow: (vault check) → init (the server plans) → one PUT, or part PUTs + complete, all through the API. */
export function ofauthAdapter(
  api: Client<paths>,
  apiOrigin: string,
): UploadAdapter<UploadMediaOptions, OfauthSession, OfauthUpload> {
  const uploadsUrl = `${apiOrigin.replace(/\/+$/, "")}/v2/access/uploads`;
  /** The vault's media with these bytes (OFAuth matches MD5 and size), if any. */
  const vaultCheck = async (source: UploadSource, signal: AbortSignal | undefined) => {
    const etag = await digestSource(source, "md5", signal, { name: "skipIfExists", code: "INPUT_SKIP_IF_EXISTS_STREAM" });
    const check = await unwrap(api.POST("/v2/access/uploads/check", { body: { etag, size: source.size }, signal }));
    return check.exists && check.media ? check.media : undefined;
  };
  return {
    provider: "ofauth",
    ownOptions: { vaultUpload: true, skipIfExists: "boolean" },
    relay: true,
    unsupported: {
      partSize: "OFAuth plans the parts itself.",
      partCount: "OFAuth plans the parts itself.",
    },
    checkSession(session, where) {
      const check = checkpointChecks(where);
      check.string(session.mediaUploadId, "mediaUploadId");
      if (typeof session.single !== "boolean") check.fail("single", "a value that is not true or false");
      if (!Array.isArray(session.parts) || session.parts.length === 0) check.fail("parts", "no part plan");
      for (const [index, part] of session.parts.entries()) {
        check.integer(part?.partNumber, `parts[${index}].partNumber`, 1, 10_000);
        check.integer(part?.start, `parts[${index}].start`, 0, Number.MAX_SAFE_INTEGER);
        check.integer(part?.size, `parts[${index}].size`, 1, Number.MAX_SAFE_INTEGER);
        if (part.end !== part.start + part.size) check.fail(`parts[${index}].end`, "an end that does not match start + size");
      }
      for (const [partNumber, url] of Object.entries(session.urls ?? {})) {
        if (new URL(check.httpUrl(url, `urls.${partNumber}`)).origin !== new URL(apiOrigin).origin) {
          check.fail(`urls.${partNumber}`, "a URL outside the API origin (part uploads carry your API key)");
        }
      }
    },
    async preflight({ source, options, signal }) {
      if (!options.skipIfExists) return undefined;
      const found = await vaultCheck(source, signal);
      return found ? { media: found, skipped: true } : undefined;
    },
    journalSession: ({ mediaUploadId, single }) => ({ mediaUploadId, single }),
    async lookup({ source, signal }) {
      // The vault knows media by MD5 and size: there, the upload finished.
      const found = await vaultCheck(source, signal);
      return found ? { media: found, skipped: true } : undefined;
    },
    async create({ source, options, signal }) {
      const body: InitBody = {
        filename: source.filename,
        size: source.size,
        contentType: source.contentType,
        ...(options.vaultUpload ? { vaultUpload: options.vaultUpload } : {}),
      };
      const { data, response } = await unwrapWithResponse(api.POST("/v2/access/uploads/init", { body, signal }));
      const plan = planFromInit(data, response.headers, source.size);
      for (const url of Object.values(plan.urls)) assertApiOrigin(url, apiOrigin);
      return { mediaUploadId: data.mediaUploadId, ...plan };
    },
    transfer({ source, signal }, session) {
      const uploadUrl = `${uploadsUrl}/${encodeURIComponent(session.mediaUploadId)}`;
      const headers = { "content-type": source.contentType };
      if (session.single) {
        return {
          single: {
            url: uploadUrl,
            method: "PUT",
            headers,
            credentials: true,
            // This PUT finalises the upload: it is not sent again once it may have reached the server.
            repeatable: false,
            accept: (answer) => {
              const body = parseJson(answer.body) as { mediaUploadId?: string; media?: OfauthMedia } | undefined;
              if (!body?.mediaUploadId) return { fail: "OFAuth answered the upload without a mediaUploadId" };
              return {
                value: body.media
                  ? { mediaUploadId: body.mediaUploadId, media: body.media }
                  : { mediaUploadId: body.mediaUploadId },
              };
            },
            // Not sent again blindly: after an answer that leaves it open whether the PUT finalised, ask the vault
            // for these bytes (MD5 + size). There: the upload is done, reference `media.id`. Not there: send again.
            settle: async () => {
              const found = await vaultCheck(source, signal);
              return found ? { value: { media: found, skipped: true } } : "resend";
            },
          },
        };
      }
      return {
        parts: session.parts,
        target: (part) => ({
          url: session.urls[part.partNumber] ?? `${uploadUrl}/parts/${part.partNumber}`,
          headers,
          credentials: true,
          readEtag: (response) => (parseJson(response.body) as { etag?: string } | undefined)?.etag,
        }),
      };
    },
    async complete({ signal }, session) {
      const done = await unwrap(
        api.POST("/v2/access/uploads/complete", { body: { mediaUploadId: session.mediaUploadId }, signal }),
      );
      return done.media ? { mediaUploadId: session.mediaUploadId, media: done.media } : { mediaUploadId: session.mediaUploadId };
    },
    idOf: (record) => (record.skipped ? String(record.media.id) : record.mediaUploadId),
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Part URLs carry the API key: they must be on the API's own origin. */
function assertApiOrigin(url: string, apiOrigin: string): void {
  let origin: string;
  try {
    origin = new URL(url).origin;
  } catch {
    throw new UploadkitError("OFAuth returned an invalid part URL.", { code: "OFAUTH_PART_URL_INVALID" });
  }
  if (origin !== new URL(apiOrigin).origin) {
    throw new UploadkitError(
      `OFAuth's plan sends parts to ${origin}, not the API origin ${new URL(apiOrigin).origin}; refusing, since part uploads carry your API key.`,
      { code: "OFAUTH_PART_URL_FOREIGN_ORIGIN" },
    );
  }
}

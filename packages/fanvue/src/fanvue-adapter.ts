import type { CommonUploadOptions, PartPlanOptions } from "@uploadkit/multipart";
import { ApiError, InputError, planParts, unwrap } from "@uploadkit/multipart";
import { answerChecks, checkpointChecks, type UploadAdapter } from "@uploadkit/multipart/internal";
import { FANVUE_LIMITS } from "@uploadkit/providers";
import type { Client } from "openapi-fetch";
import type { FanvuePaths } from "./api-paths.js";
import type { components } from "./generated/openapi.js";
import { FANVUE_MEDIA_TYPES, type FanvueMediaType, mediaTypeFromMime } from "./media-type.js";
import { parsePartUrl } from "./part-url.js";
import { explainSunset } from "./sunset.js";
import { assertWaitOptions, type WaitForReadyOptions, waitForReady } from "./wait-for-ready.js";

/** A Fanvue media record, as `GET /media/{uuid}` returns it once it is ready. */
export type FanvueMedia = components["schemas"]["Media"];
/** Where a media is in Fanvue's processing: `created`, `processing`, `ready` or `error`. */
export type FanvueMediaStatus = components["schemas"]["MediaUploadsUploadIdPatchResponsesContentApplicationJsonSchemaStatus"];

/** Options of `uploadMedia`: the common options every provider takes, and this provider's own. */
export interface UploadMediaOptions extends CommonUploadOptions, PartPlanOptions {
  /** Display name, 1–255 characters. Default: the file name. */
  name?: string;
  /** Default: from the content type (image/*, video/*, audio/*; else document). */
  mediaType?: FanvueMediaType;
  /** Upload on behalf of this creator (agency tokens; routes under /creators/{uuid}). */
  creatorUserUuid?: string;
  /** Poll until the media is `ready` (error → typed error). */
  waitForReady?: boolean | WaitForReadyOptions;
}

/** Fanvue's own record of an upload. */
export interface FanvueUpload {
  /** The media's uuid: reference it in posts and messages, read it with `getMedia`. */
  mediaUuid: string;
  /** The upload session that carried the bytes. */
  uploadId: string;
  /** The media's status after completion (`ready` after `waitForReady`). */
  status: FanvueMediaStatus;
  /** The media record, with `waitForReady`. */
  media?: FanvueMedia;
}

interface FanvueSession {
  mediaUuid: string;
  uploadId: string;
  creatorUserUuid: string | null;
  partSize: number;
  /** Set when the plan was made by part count (balanced sizes), so a resume replans the same boundaries. */
  partCount?: number | undefined;
}

/** Fanvue's part of the upload flow: a session, one presigned URL per part asked of the API, complete, (ready). */
export function fanvueAdapter(api: Client<FanvuePaths>): UploadAdapter<UploadMediaOptions, FanvueSession, FanvueUpload> {
  const creatorOf = (options: UploadMediaOptions) => options.creatorUserUuid ?? null;
  return {
    provider: "fanvue",
    ownOptions: { name: "text", mediaType: true, creatorUserUuid: true, waitForReady: true },
    validate(source, options) {
      for (const [field, value] of [
        ["filename", source.filename],
        ["name", options.name ?? source.filename],
      ] as const) {
        if (value.length < FANVUE_LIMITS.minNameLength || value.length > FANVUE_LIMITS.maxNameLength) {
          throw new InputError(`${field} must be 1 to 255 characters, got ${value.length}.`, { code: "INPUT_NAME_LENGTH" });
        }
      }
      if (typeof options.waitForReady === "object" && options.waitForReady !== null) assertWaitOptions(options.waitForReady);
      const mediaType = options.mediaType ?? mediaTypeFromMime(source.contentType);
      if (!FANVUE_MEDIA_TYPES.includes(mediaType)) {
        throw new InputError(`mediaType must be one of ${FANVUE_MEDIA_TYPES.join(", ")}, got "${mediaType}".`, {
          code: "INPUT_MEDIA_TYPE",
        });
      }
    },
    checkSession(session, where) {
      const check = checkpointChecks(where);
      check.string(session.mediaUuid, "mediaUuid");
      check.string(session.uploadId, "uploadId");
      if (session.creatorUserUuid !== null) check.string(session.creatorUserUuid, "creatorUserUuid");
      check.integer(session.partSize, "partSize", 1, FANVUE_LIMITS.maxPartSize);
      if (session.partCount !== undefined) check.integer(session.partCount, "partCount", 1, FANVUE_LIMITS.maxParts);
    },
    checkResume(session, options) {
      if (session.creatorUserUuid !== creatorOf(options)) {
        throw new InputError(
          `The checkpoint is for an upload as creator ${session.creatorUserUuid ?? "(none)"}, not ${creatorOf(options) ?? "(none)"}.`,
          { code: "INPUT_CHECKPOINT_MISMATCH" },
        );
      }
    },
    plan(source, options, resumed) {
      return planParts(source.size, {
        ...FANVUE_LIMITS,
        ...(resumed
          ? resumed.partCount === undefined
            ? { partSize: resumed.partSize }
            : { partCount: resumed.partCount }
          : { partSize: options.partSize, partCount: options.partCount }),
      });
    },
    async lookup({ signal }, { session }) {
      // The media exists from the session's start, `created` until its upload is completed.
      if (typeof session?.mediaUuid !== "string") return undefined;
      const media = await getMedia(api, session.mediaUuid, session.creatorUserUuid ?? null, signal).catch((error: unknown) => {
        if (error instanceof ApiError && error.status === 404) return undefined;
        throw error;
      });
      const status = (media as { status?: unknown } | undefined)?.status;
      if (typeof status !== "string" || status === "created") return undefined;
      return { mediaUuid: session.mediaUuid, uploadId: session.uploadId ?? "", status: status as FanvueMediaStatus };
    },
    async create({ source, options, signal }, parts) {
      const creator = creatorOf(options);
      const body = {
        name: options.name ?? source.filename,
        filename: source.filename,
        mediaType: options.mediaType ?? mediaTypeFromMime(source.contentType),
      };
      const call = creator
        ? api.POST("/creators/{creatorUserUuid}/media/uploads", { params: { path: { creatorUserUuid: creator } }, body, signal })
        : api.POST("/media/uploads", { body, signal });
      const created = await unwrap(call).catch(explainSunset);
      const check = answerChecks("fanvue", "POST /media/uploads");
      return {
        mediaUuid: check.string(created?.mediaUuid, "mediaUuid"),
        uploadId: check.string(created?.uploadId, "uploadId"),
        creatorUserUuid: creator,
        partSize: parts?.[0]?.size ?? FANVUE_LIMITS.preferredPartSize,
        ...(options.partCount === undefined ? {} : { partCount: options.partCount }),
      };
    },
    transfer(_context, session, parts) {
      return {
        parts: parts ?? [],
        target: async (part, { signal }) => {
          const path = { uploadId: session.uploadId, partNumber: part.partNumber };
          const creator = session.creatorUserUuid;
          const call = creator
            ? api.GET("/creators/{creatorUserUuid}/media/uploads/{uploadId}/parts/{partNumber}/url", {
                params: { path: { ...path, creatorUserUuid: creator } },
                parseAs: "text",
                signal,
              })
            : api.GET("/media/uploads/{uploadId}/parts/{partNumber}/url", { params: { path }, parseAs: "text", signal });
          return { url: parsePartUrl(await unwrap(call).catch(explainSunset), part.partNumber) };
        },
      };
    },
    async complete({ signal }, session, etags) {
      const body = { parts: etags.map((part) => ({ ETag: part.etag, PartNumber: part.partNumber })) };
      const creator = session.creatorUserUuid;
      const completed = await unwrap(
        creator
          ? api.PATCH("/creators/{creatorUserUuid}/media/uploads/{uploadId}", {
              params: { path: { creatorUserUuid: creator, uploadId: session.uploadId } },
              body,
              signal,
            })
          : api.PATCH("/media/uploads/{uploadId}", { params: { path: { uploadId: session.uploadId } }, body, signal }),
      ).catch(explainSunset);
      const status = answerChecks("fanvue", "PATCH /media/uploads/{uploadId}").string(completed?.status, "status");
      return { mediaUuid: session.mediaUuid, uploadId: session.uploadId, status: status as FanvueMediaStatus };
    },
    async finish({ options, signal }, session, record) {
      if (!options.waitForReady) return record;
      const media = await waitForReady(
        session.mediaUuid,
        () => getMedia(api, session.mediaUuid, session.creatorUserUuid, signal),
        options.waitForReady === true ? {} : options.waitForReady,
        signal,
      );
      return { ...record, status: media.status, media: media as FanvueMedia };
    },
    idOf: (record) => record.mediaUuid,
  };
}

/** A media record; `{ uuid, status }` alone while it is not finalised. */
export function getMedia(api: Client<FanvuePaths>, uuid: string, creator: string | null, signal?: AbortSignal) {
  const call = creator
    ? api.GET("/creators/{creatorUserUuid}/media/{uuid}", { params: { path: { creatorUserUuid: creator, uuid } }, signal })
    : api.GET("/media/{uuid}", { params: { path: { uuid } }, signal });
  return unwrap(call).catch(explainSunset);
}

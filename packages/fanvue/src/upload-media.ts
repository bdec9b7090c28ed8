import {
  type CheckpointOption,
  InputError,
  MiB,
  openSource,
  type ProgressListener,
  planParts,
  ResumableSession,
  S3_PART_RULES,
  type SourceInput,
  type TransferOptions,
  throwIfAborted,
  unwrap,
} from "@uploadkit/multipart";
import type { Client } from "openapi-fetch";
import type { FanvuePaths } from "./api-paths.js";
import type { components } from "./generated/openapi.js";
import { FANVUE_MEDIA_TYPES, type FanvueMediaType, mediaTypeFromMime } from "./media-type.js";
import { parsePartUrl } from "./part-url.js";
import { explainSunset } from "./sunset.js";
import { type WaitForReadyOptions, waitForReady } from "./wait-for-ready.js";

export type FanvueMedia = components["schemas"]["Media"];
export type FanvueMediaStatus = components["schemas"]["MediaUploadsUploadIdPatchResponsesContentApplicationJsonSchemaStatus"];

export interface UploadMediaOptions {
  /** Display name, 1–255 characters. Default: the file name. */
  name?: string;
  /** 1–255 characters. Default: the input's file name. */
  filename?: string;
  /** Default: from the sniffed MIME type (image/*, video/*, audio/*; else document). */
  mediaType?: FanvueMediaType;
  /** Upload on behalf of this creator (agency tokens; routes under /creators/{uuid}). */
  creatorUserUuid?: string;
  /** Bytes per part, 5 MiB to 5 GiB. Default 10 MiB (grown to stay within 10,000 parts). */
  partSize?: number;
  /** Parts in flight. Default 4. */
  concurrency?: number;
  signal?: AbortSignal;
  onProgress?: ProgressListener;
  /** A checkpoint file (or store): an interrupted upload rerun with it sends only the missing parts. */
  checkpoint?: CheckpointOption;
  /** Poll until the media is `ready` (error → typed error). */
  waitForReady?: boolean | WaitForReadyOptions;
}

export interface UploadMediaResult {
  mediaUuid: string;
  uploadId: string;
  status: FanvueMediaStatus;
  /** The media record, with `waitForReady`. */
  media?: FanvueMedia;
}

interface FanvueSession {
  mediaUuid: string;
  uploadId: string;
  creatorUserUuid: string | null;
  partSize: number;
}

export interface UploadContext {
  api: Client<FanvuePaths>;
  apiOrigin: string;
  transfer: TransferOptions;
}

const DEFAULT_PART_SIZE = 10 * MiB;

/** The whole Fanvue flow: validate → session → parts to presigned URLs → complete → (ready). */
export async function uploadMedia(
  context: UploadContext,
  input: SourceInput,
  options: UploadMediaOptions = {},
): Promise<UploadMediaResult> {
  const { api } = context;
  const source = await openSource(input, { filename: options.filename, rejectEmpty: true });
  const filename = options.filename ?? source.filename;
  const name = options.name ?? filename;
  for (const [field, value] of [
    ["filename", filename],
    ["name", name],
  ] as const) {
    if (value.length < 1 || value.length > 255) {
      throw new InputError(`${field} must be 1 to 255 characters, got ${value.length}.`, { code: "INPUT_NAME_LENGTH" });
    }
  }
  const mediaType = options.mediaType ?? mediaTypeFromMime(source.contentType);
  if (!FANVUE_MEDIA_TYPES.includes(mediaType)) {
    throw new InputError(`mediaType must be one of ${FANVUE_MEDIA_TYPES.join(", ")}, got "${mediaType}".`, {
      code: "INPUT_MEDIA_TYPE",
    });
  }
  const creator = options.creatorUserUuid ?? null;
  const resumable = await ResumableSession.open<FanvueSession>(options.checkpoint, "fanvue", source);
  const resumed = resumable.session;
  if (resumed && resumed.creatorUserUuid !== creator) {
    throw new InputError(
      `The checkpoint is for an upload as creator ${resumed.creatorUserUuid ?? "(none)"}, not ${creator ?? "(none)"}.`,
      {
        code: "INPUT_CHECKPOINT_MISMATCH",
      },
    );
  }
  const parts = planParts(source.size, {
    ...S3_PART_RULES,
    partSize: resumed?.partSize ?? options.partSize,
    preferredPartSize: DEFAULT_PART_SIZE,
  });
  throwIfAborted(options.signal);

  const session =
    resumed ??
    (await resumable.start({
      ...(await createSession(api, creator, { name, filename, mediaType }, options.signal)),
      creatorUserUuid: creator,
      partSize: parts[0]?.size ?? DEFAULT_PART_SIZE,
    }));

  const etags = await resumable.uploadParts({
    source,
    parts,
    concurrency: options.concurrency,
    ...context.transfer,
    signal: options.signal,
    onProgress: options.onProgress,
    credentialOrigin: context.apiOrigin,
    target: async (part, { signal }) => {
      const path = { uploadId: session.uploadId, partNumber: part.partNumber };
      const call = creator
        ? api.GET("/creators/{creatorUserUuid}/media/uploads/{uploadId}/parts/{partNumber}/url", {
            params: { path: { ...path, creatorUserUuid: creator } },
            parseAs: "text",
            signal,
          })
        : api.GET("/media/uploads/{uploadId}/parts/{partNumber}/url", { params: { path }, parseAs: "text", signal });
      return { url: parsePartUrl(await unwrap(call).catch(explainSunset), part.partNumber) };
    },
  });

  throwIfAborted(options.signal);
  const body = { parts: etags.map((part) => ({ ETag: part.etag, PartNumber: part.partNumber })) };
  const completed = await unwrap(
    creator
      ? api.PATCH("/creators/{creatorUserUuid}/media/uploads/{uploadId}", {
          params: { path: { creatorUserUuid: creator, uploadId: session.uploadId } },
          body,
          signal: options.signal,
        })
      : api.PATCH("/media/uploads/{uploadId}", {
          params: { path: { uploadId: session.uploadId } },
          body,
          signal: options.signal,
        }),
  ).catch(explainSunset);
  await resumable.clear();

  const result: UploadMediaResult = { mediaUuid: session.mediaUuid, uploadId: session.uploadId, status: completed.status };
  if (!options.waitForReady) return result;
  const media = await waitForReady(
    session.mediaUuid,
    () => getMedia(api, session.mediaUuid, creator, options.signal),
    options.waitForReady === true ? {} : options.waitForReady,
    options.signal,
  );
  return { ...result, status: media.status, media: media as FanvueMedia };
}

async function createSession(
  api: Client<FanvuePaths>,
  creator: string | null,
  body: { name: string; filename: string; mediaType: FanvueMediaType },
  signal: AbortSignal | undefined,
) {
  const call = creator
    ? api.POST("/creators/{creatorUserUuid}/media/uploads", { params: { path: { creatorUserUuid: creator } }, body, signal })
    : api.POST("/media/uploads", { body, signal });
  return unwrap(call).catch(explainSunset);
}

/** A media record; `{ uuid, status }` alone while it is not finalised. */
export function getMedia(api: Client<FanvuePaths>, uuid: string, creator: string | null, signal?: AbortSignal) {
  const call = creator
    ? api.GET("/creators/{creatorUserUuid}/media/{uuid}", { params: { path: { creatorUserUuid: creator, uuid } }, signal })
    : api.GET("/media/{uuid}", { params: { path: { uuid } }, signal });
  return unwrap(call).catch(explainSunset);
}

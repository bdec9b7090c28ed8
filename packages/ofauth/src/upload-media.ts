import {
  ByteMeter,
  type CheckpointOption,
  InputError,
  openSource,
  type Part,
  type PartTarget,
  type ProgressListener,
  ResumableSession,
  type SourceInput,
  type TransferOptions,
  throwIfAborted,
  UploadkitError,
  type UploadSource,
  unwrap,
  unwrapWithResponse,
} from "@uploadkit/multipart";
import type { Client } from "openapi-fetch";
import type { components, paths } from "./generated/openapi.js";
import { planFromInit } from "./upload-plan.js";

export type OfauthMedia = components["schemas"]["Media"];
type InitBody = NonNullable<paths["/v2/access/uploads/init"]["post"]["requestBody"]>["content"]["application/json"];

export interface UploadMediaOptions {
  /** Default: the input's file name. */
  filename?: string;
  /** Default: sniffed from the bytes, else the extension. */
  contentType?: string;
  /** Upload into the vault for a message (`{ mode: "message", userId }`). */
  vaultUpload?: InitBody["vaultUpload"];
  /** Parts in flight. Default 4. */
  concurrency?: number;
  signal?: AbortSignal;
  onProgress?: ProgressListener;
  /** A checkpoint file (or store): rerunning an interrupted upload sends only the missing parts. */
  checkpoint?: CheckpointOption;
  /** Ask the vault first (MD5 + size) and skip the upload when the media is already there. */
  skipIfExists?: boolean;
}

export type UploadMediaResult =
  /** Uploaded: reference it in posts and messages as the `mediaItems` entry `mediaUploadId` (usable once). */
  | { mediaUploadId: string; media?: OfauthMedia; skipped?: false }
  /** Already in the vault (skipIfExists): reference `media.id`. */
  | { mediaUploadId?: undefined; media: OfauthMedia; skipped: true };

interface OfauthSession {
  mediaUploadId: string;
  single: boolean;
  parts: Part[];
  urls: Record<number, string>;
}

export interface UploadContext {
  api: Client<paths>;
  apiOrigin: string;
  credentials: Record<string, string>;
  transfer: TransferOptions;
}

/** The whole OFAuth flow: (check) → init → single PUT, or part PUTs + complete, all through the API. */
export async function uploadMedia(
  context: UploadContext,
  input: SourceInput,
  options: UploadMediaOptions = {},
): Promise<UploadMediaResult> {
  const { api } = context;
  const source = await openSource(input, { filename: options.filename, contentType: options.contentType, rejectEmpty: true });
  const filename = options.filename ?? source.filename;
  if (!filename.trim()) throw new InputError("filename must not be empty.", { code: "INPUT_FILENAME" });
  if (!source.contentType) throw new InputError("contentType must not be empty.", { code: "INPUT_CONTENT_TYPE" });
  const resumable = await ResumableSession.open<OfauthSession>(options.checkpoint, "ofauth", source);

  if (options.skipIfExists && !resumable.session) {
    const etag = await md5Of(source, options.signal);
    const check = await unwrap(
      api.POST("/v2/access/uploads/check", { body: { etag, size: source.size }, signal: options.signal }),
    );
    if (check.exists && check.media) return { media: check.media, skipped: true };
  }
  throwIfAborted(options.signal);

  const session =
    resumable.session ??
    (await (async () => {
      const body: InitBody = {
        filename,
        size: source.size,
        contentType: source.contentType,
        ...(options.vaultUpload ? { vaultUpload: options.vaultUpload } : {}),
      };
      const { data, response } = await unwrapWithResponse(api.POST("/v2/access/uploads/init", { body, signal: options.signal }));
      const plan = planFromInit(data, response.headers, source.size);
      for (const url of Object.values(plan.urls)) assertApiOrigin(url, context.apiOrigin);
      return resumable.start({ mediaUploadId: data.mediaUploadId, ...plan });
    })());

  const uploadPath = `${context.apiOrigin.replace(/\/+$/, "")}/v2/access/uploads/${encodeURIComponent(session.mediaUploadId)}`;
  const headers = { ...context.credentials, "content-type": source.contentType };
  let media: OfauthMedia | undefined;
  const target = (part: Part): PartTarget =>
    session.single
      ? {
          url: uploadPath,
          headers,
          // The single PUT finalises the upload and answers { mediaUploadId, media } without an ETag;
          // the id stands in for one, and the media is kept for the result.
          readEtag: (response) => {
            const body = JSON.parse(response.body) as { mediaUploadId?: string; media?: OfauthMedia };
            media = body.media;
            return body.mediaUploadId ? `single:${body.mediaUploadId}` : undefined;
          },
        }
      : {
          url: session.urls[part.partNumber] ?? `${uploadPath}/parts/${part.partNumber}`,
          headers,
          readEtag: (response) => (JSON.parse(response.body) as { etag?: string }).etag,
        };

  await resumable.uploadParts({
    source,
    parts: session.parts,
    target,
    concurrency: options.concurrency,
    ...context.transfer,
    signal: options.signal,
    onProgress: options.onProgress,
    credentialOrigin: context.apiOrigin,
  });
  throwIfAborted(options.signal);
  if (!session.single) {
    const done = await unwrap(
      api.POST("/v2/access/uploads/complete", { body: { mediaUploadId: session.mediaUploadId }, signal: options.signal }),
    );
    media = done.media;
  }
  await resumable.clear();
  return media ? { mediaUploadId: session.mediaUploadId, media } : { mediaUploadId: session.mediaUploadId };
}

/** Part URLs carry the API key: they must be on the API's own origin. */
function assertApiOrigin(url: string, apiOrigin: string): void {
  let origin: string;
  try {
    origin = new URL(url).origin;
  } catch {
    throw new UploadkitError(`OFAuth returned an invalid part URL.`, { code: "OFAUTH_PART_URL_INVALID" });
  }
  if (origin !== new URL(apiOrigin).origin) {
    throw new UploadkitError(
      `OFAuth's plan sends parts to ${origin}, not the API origin ${new URL(apiOrigin).origin}; refusing, since part uploads carry your API key.`,
      { code: "OFAUTH_PART_URL_FOREIGN_ORIGIN" },
    );
  }
}

/** The file's MD5 (the ETag OFAuth's vault check matches), read once; streams cannot be read twice. */
async function md5Of(source: UploadSource, signal: AbortSignal | undefined): Promise<string> {
  if (source.kind === "stream") {
    throw new InputError("skipIfExists needs an input that can be read twice (a path, bytes or a Blob), not a stream.", {
      code: "INPUT_SKIP_IF_EXISTS_STREAM",
    });
  }
  const meter = new ByteMeter(["md5"]);
  const body = await source.partBody({ partNumber: 1, start: 0, end: source.size, size: source.size });
  for await (const _ of body.open().pipe(meter)) throwIfAborted(signal);
  return meter.digest("md5") as string;
}

import {
  type CheckpointOption,
  InputError,
  openSource,
  type ProgressListener,
  ResumableSession,
  type SourceInput,
  type TransferOptions,
  throwIfAborted,
  UploadkitError,
  unwrap,
} from "@uploadkit/multipart";
import type { Client } from "openapi-fetch";
import { normalizeContentType, RECORD360_CONTENT_TYPES } from "./content-types.js";
import type { components, paths } from "./generated/openapi.js";
import { planRecord360Parts } from "./part-plan.js";

export type Record360UploadedFile = components["schemas"]["UploadedFile"];

export interface UploadMediaOptions {
  /** The identifier naming the final file. Default: a new UUID. */
  fileId?: string;
  /** Default: sniffed. Must be on Record360's mobile-media allowlist. */
  contentType?: string;
  /** 1–20. Default: the fewest parts of at most 16 MiB each. */
  partCount?: number;
  /** Parts in flight. Default 4. */
  concurrency?: number;
  signal?: AbortSignal;
  onProgress?: ProgressListener;
  /** A checkpoint file (or store): a rerun reuses the file id, upload id and URLs (valid 24 h) and sends only missing parts. */
  checkpoint?: CheckpointOption;
}

interface Record360Session {
  fileId: string;
  uploadId: string;
  presignedUrls: string[];
  partCount: number;
}

export interface UploadContext {
  api: Client<paths>;
  apiOrigin: string;
  transfer: TransferOptions;
}

/** The whole Record360 flow: validate → start (presigned URLs) → PUT parts → complete. */
export async function uploadMedia(
  context: UploadContext,
  input: SourceInput,
  options: UploadMediaOptions = {},
): Promise<Record360UploadedFile> {
  const { api } = context;
  const source = await openSource(input, { contentType: options.contentType, rejectEmpty: true });
  const contentType = normalizeContentType(source.contentType);
  if (!contentType) {
    throw new InputError(
      `Record360 does not accept ${source.contentType} (${source.description}). Allowed: ${RECORD360_CONTENT_TYPES.join(", ")}. Pass contentType if the type was guessed wrong.`,
      { code: "INPUT_CONTENT_TYPE" },
    );
  }
  const resumable = await ResumableSession.open<Record360Session>(options.checkpoint, "record360", source);
  const resumed = resumable.session;
  const parts = planRecord360Parts(source.size, resumed?.partCount ?? options.partCount);
  throwIfAborted(options.signal);

  const session =
    resumed ??
    (await (async () => {
      const fileId = options.fileId ?? crypto.randomUUID();
      const started = await unwrap(
        api.GET("/api/users/multipart_upload_start/{file_id}", {
          params: { path: { file_id: fileId }, query: { part_count: parts.length, content_type: contentType } },
          signal: options.signal,
        }),
      );
      if (started.presigned_urls.length < parts.length) {
        throw new UploadkitError(
          `Record360 returned ${started.presigned_urls.length} presigned URLs for ${parts.length} parts (upload ${started.upload_id}); nothing was uploaded.`,
          { code: "RECORD360_TOO_FEW_URLS" },
        );
      }
      return resumable.start({
        fileId,
        uploadId: started.upload_id,
        presignedUrls: started.presigned_urls,
        partCount: parts.length,
      });
    })());

  const etags = await resumable.uploadParts({
    source,
    parts,
    target: (part) => ({ url: session.presignedUrls[part.partNumber - 1] as string }),
    concurrency: options.concurrency,
    ...context.transfer,
    signal: options.signal,
    onProgress: options.onProgress,
    credentialOrigin: context.apiOrigin,
  });
  throwIfAborted(options.signal);
  const result = await unwrap(
    api.POST("/api/users/multipart_upload_complete/{file_id}", {
      params: { path: { file_id: session.fileId } },
      body: { upload_id: session.uploadId, parts: etags.map((p) => ({ part_number: p.partNumber, etag: p.etag })) },
      signal: options.signal,
    }),
  );
  await resumable.clear();
  return result;
}

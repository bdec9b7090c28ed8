import type { CommonUploadOptions, PartPlanOptions } from "@uploadkit/multipart";
import { ApiError, InputError, ProviderResponseError, unwrap } from "@uploadkit/multipart";
import { answerChecks, checkpointChecks, type UploadAdapter } from "@uploadkit/multipart/internal";
import type { Client } from "openapi-fetch";
import { normalizeContentType, RECORD360_CONTENT_TYPES, type Record360ContentType } from "./content-types.js";
import type { components, paths } from "./generated/openapi.js";
import { planRecord360Parts, RECORD360_PART_RULES } from "./part-plan.js";

/** The stored file Record360's complete call returns. */
export type Record360UploadedFile = components["schemas"]["UploadedFile"];

/** Options of `uploadMedia`: the common options every provider takes, and this provider's own. */
export interface UploadMediaOptions extends CommonUploadOptions, PartPlanOptions {
  /** The identifier naming the final file. Default: a new UUID. */
  fileId?: string;
}

interface Record360Session {
  fileId: string;
  uploadId: string;
  presignedUrls: string[];
  partCount: number;
  /** Set when the plan was made by part size (uniform parts), so a resume replans the same boundaries. */
  partSize?: number | undefined;
}

/** Record360's part of the upload flow: start (1–20 presigned URLs) → PUT parts → complete. */
export function record360Adapter(api: Client<paths>): UploadAdapter<UploadMediaOptions, Record360Session, Record360UploadedFile> {
  const contentTypeOf = (contentType: string) => normalizeContentType(contentType) as Record360ContentType;
  return {
    provider: "record360",
    ownOptions: { fileId: "text" },
    validate(source) {
      if (!normalizeContentType(source.contentType)) {
        throw new InputError(
          `Record360 does not accept ${source.contentType} (${source.description}). Allowed: ${RECORD360_CONTENT_TYPES.join(", ")}. Pass contentType if the type was guessed wrong.`,
          { code: "INPUT_CONTENT_TYPE" },
        );
      }
    },
    checkSession(session, where) {
      const check = checkpointChecks(where);
      check.string(session.fileId, "fileId");
      check.string(session.uploadId, "uploadId");
      const count = check.integer(session.partCount, "partCount", 1, RECORD360_PART_RULES.maxParts);
      check.urlList(session.presignedUrls, "presignedUrls", count);
      if (session.partSize !== undefined) check.integer(session.partSize, "partSize", 1, RECORD360_PART_RULES.maxPartSize);
    },
    plan(source, options, resumed) {
      if (resumed) {
        return resumed.partSize === undefined
          ? planRecord360Parts(source.size, resumed.partCount)
          : planRecord360Parts(source.size, undefined, resumed.partSize);
      }
      return planRecord360Parts(source.size, options.partCount, options.partSize);
    },
    // Our own file_id, journaled before the start call that uses it (a run started again reuses it).
    chooseIds: (options) => (options.fileId === undefined ? { fileId: crypto.randomUUID() } : undefined),
    journalSession: ({ fileId, uploadId, partCount }) => ({ fileId, uploadId, partCount }),
    async lookup({ source, signal }, { session, ids }) {
      // Record360 knows a stored file by the file_id we chose: GET /api/users/uploads/{file_id} answers its `size`
      // (and `type`) once it holds the file, and only `id` + `upload_url` for a file it does not have.
      const fileId = session?.fileId ?? ids?.fileId;
      if (!fileId) return undefined;
      // A file id it has never seen may also be answered 404: not stored, so the file is uploaded.
      const known = await unwrap(
        api.GET("/api/users/uploads/{file_id}", { params: { path: { file_id: fileId } }, signal }),
      ).catch((error: unknown) => {
        if (error instanceof ApiError && error.status === 404) return undefined;
        throw error;
      });
      const size = (known as { size?: unknown } | undefined)?.size;
      if (typeof size !== "number" || size !== source.size) return undefined;
      return { id: fileId, filesize: size } as Record360UploadedFile;
    },
    async create({ source, options, signal }, parts = []) {
      const fileId = options.fileId ?? crypto.randomUUID();
      const started = await unwrap(
        api.GET("/api/users/multipart_upload_start/{file_id}", {
          params: {
            path: { file_id: fileId },
            query: { part_count: parts.length, content_type: contentTypeOf(source.contentType) },
          },
          signal,
        }),
      );
      const check = answerChecks("record360", "GET /api/users/multipart_upload_start/{file_id}");
      const uploadId = check.string(started?.upload_id, "upload_id");
      if (Array.isArray(started.presigned_urls) && started.presigned_urls.length < parts.length) {
        throw new ProviderResponseError(
          `Record360 returned ${started.presigned_urls.length} presigned URLs for ${parts.length} parts (upload ${uploadId}); nothing was uploaded.`,
          { provider: "record360", operation: "multipart_upload_start", field: "presigned_urls", code: "RECORD360_TOO_FEW_URLS" },
        );
      }
      return {
        fileId,
        uploadId,
        presignedUrls: check.urlList(started.presigned_urls, "presigned_urls", parts.length),
        partCount: parts.length,
        ...(options.partSize === undefined ? {} : { partSize: options.partSize }),
      };
    },
    transfer(_context, session, parts = []) {
      return { parts, target: (part) => ({ url: session.presignedUrls[part.partNumber - 1] as string }) };
    },
    async complete({ signal }, session, etags) {
      const file = await unwrap(
        api.POST("/api/users/multipart_upload_complete/{file_id}", {
          params: { path: { file_id: session.fileId } },
          body: { upload_id: session.uploadId, parts: etags.map((p) => ({ part_number: p.partNumber, etag: p.etag })) },
          signal,
        }),
      );
      answerChecks("record360", "POST /api/users/multipart_upload_complete/{file_id}").string(file?.id, "id");
      return file;
    },
    idOf: (record) => record.id,
    // The complete call answers the stored object's size: an upload route holds it against what the page declared.
    stored: (record) => ({ size: typeof record.filesize === "number" ? record.filesize : undefined }),
  };
}

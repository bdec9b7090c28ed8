import { RECORD360_LIMITS } from "@uploadkit/providers";
import { verifyCompletion } from "../gateway/part-ledger.js";
import { HttpError, readJson, sendJson } from "../http/body.js";
import { type RouteContext, Router } from "../http/router.js";
import { header, type ProviderContext, type ProviderFake } from "./provider-context.js";

/** How the Record360 fake behaves. */
export interface Record360FakeOptions {
  /** The token it accepts (and its sign-in answers). */
  token: string;
  /** The account `POST /api/users/authenticate` signs in (answering `token`). */
  username: string;
  /** The password its sign-in accepts. */
  password: string;
  /** Lifetime of multipart part URLs (documented: 24 h). */
  partUrlExpiresInSeconds: number;
  /** Lifetime of single-upload URLs (seen in the docs' example: 900 s). */
  uploadUrlExpiresInSeconds: number;
  /** Smallest part but the last (documented: 5 MB). */
  minPartSize: number;
}

/** The Record360 fake's defaults. */
export const RECORD360_DEFAULTS: Record360FakeOptions = {
  token: "sandbox-record360-token",
  username: "inspector@sandbox.record360.test",
  password: "sandbox-record360-password",
  partUrlExpiresInSeconds: 24 * 3600,
  uploadUrlExpiresInSeconds: 900,
  minPartSize: RECORD360_LIMITS.minPartSize,
};

/** Record360's mobile-media allowlist, as the fake enforces it. */
export const RECORD360_CONTENT_TYPES: readonly string[] = RECORD360_LIMITS.contentTypes;

interface Multipart {
  fileId: string;
  uploadId: string;
  key: string;
  partCount: number;
  contentType: string;
  completed: boolean;
}

/** Record360's v1 uploads: multipart start with 1-20 presigned URLs, complete with ETags, single-upload URL. */
export function createRecord360Fake(context: ProviderContext, options: Record360FakeOptions): ProviderFake {
  const uploads = new Map<string, Multipart>();
  const files = new Map<string, string>();
  const router = new Router();
  const invalid = (message: string) => new HttpError(400, { errors: message });
  const keyFor = (fileId: string) => `users/42/${fileId}`;

  router.on("POST", "/api/users/authenticate", async ({ req, res }: RouteContext) => {
    const body = (await readJson(req, invalid)) as { user?: { username?: unknown; password?: unknown } } | undefined;
    if (typeof body?.user?.username !== "string" || typeof body.user.password !== "string") {
      throw invalid("user.username and user.password are required");
    }
    if (body.user.username !== options.username || body.user.password !== options.password) {
      throw new HttpError(401, { errors: "Invalid username or password" });
    }
    sendJson(res, 200, { auth_token: options.token, user: { id: 42, username: options.username } });
  });

  router.on("GET", "/api/users/multipart_upload_start/:file_id", async ({ res, url, params }: RouteContext) => {
    const fileId = params.file_id as string;
    const partCountText = url.searchParams.get("part_count");
    const partCount = Number(partCountText);
    if (!partCountText || !Number.isInteger(partCount) || partCount < 1 || partCount > RECORD360_LIMITS.maxParts) {
      throw invalid(`part_count must be an integer from 1 to 20, got ${partCountText ?? "nothing"}`);
    }
    const contentType = (url.searchParams.get("content_type") ?? "application/octet-stream").toLowerCase();
    if (url.searchParams.has("content_type") && !RECORD360_CONTENT_TYPES.includes(contentType)) {
      throw invalid(`content_type ${contentType} is not a supported media type (${RECORD360_CONTENT_TYPES.join(", ")})`);
    }
    const key = keyFor(fileId);
    const uploadId = await context.store.createMultipartUpload(key, contentType);
    uploads.set(uploadId, { fileId, uploadId, key, partCount, contentType, completed: false });
    const presigned = await Promise.all(
      Array.from({ length: partCount }, (_, index) =>
        context.store.presignPart(key, uploadId, index + 1, options.partUrlExpiresInSeconds),
      ),
    );
    sendJson(res, 200, { id: fileId, upload_id: uploadId, key, presigned_urls: presigned.map((u) => context.gateway.route(u)) });
  });

  router.on("POST", "/api/users/multipart_upload_complete/:file_id", async ({ req, res, params }: RouteContext) => {
    const body = (await readJson(req, invalid)) as { upload_id?: unknown; parts?: unknown } | undefined;
    if (typeof body?.upload_id !== "string" || !Array.isArray(body.parts)) throw invalid("upload_id and parts are required");
    const upload = uploads.get(body.upload_id);
    if (!upload || upload.fileId !== params.file_id || upload.completed) {
      throw new HttpError(404, { errors: `No open upload ${body.upload_id} for file ${params.file_id}` });
    }
    const listed = (body.parts as { part_number?: unknown; etag?: unknown }[]).map((p) => ({
      partNumber: Number(p.part_number),
      etag: String(p.etag ?? ""),
    }));
    const problem = verifyCompletion(
      listed,
      context.ledger.parts(upload.uploadId),
      { minPartSize: options.minPartSize, maxParts: RECORD360_LIMITS.maxParts },
      upload.partCount,
    );
    if (problem) throw new HttpError(422, { errors: problem });
    const etag = await context.store.completeMultipartUpload(upload.key, upload.uploadId, listed);
    upload.completed = true;
    context.ledger.forget(upload.uploadId);
    files.set(upload.fileId, upload.key);
    const stored = await context.store.head(upload.key);
    sendJson(res, 200, {
      id: upload.fileId,
      location: `${context.store.config.endpoint}/${context.store.bucket}/${upload.key}`,
      etag,
      filesize: stored?.size ?? 0,
      checksum: etag.replace(/"/g, ""),
    });
  });

  router.on("GET", "/api/users/uploads/:file_id", async ({ res, params }: RouteContext) => {
    const fileId = params.file_id as string;
    const key = keyFor(fileId);
    const url = context.gateway.route(await context.store.presignPut(key, options.uploadUrlExpiresInSeconds));
    const existing = await context.store.head(key);
    files.set(fileId, key);
    sendJson(
      res,
      200,
      existing
        ? { id: fileId, upload_url: url, type: "application/octet-stream", size: existing.size }
        : { id: fileId, upload_url: url },
    );
  });

  return {
    router,
    guard(req, url) {
      const signingIn = url.pathname === "/api/users/authenticate";
      if (!signingIn && header(req, "authorization") !== `Token ${options.token}`) {
        throw new HttpError(401, { errors: "Not Authenticated" });
      }
      if (!/version=1/.test(header(req, "accept") ?? "")) {
        throw new HttpError(406, { errors: "Send Accept: application/json; version=1" });
      }
    },
    errorBody: (_status, message) => ({ errors: message }),
    keyOf: (fileId) => files.get(fileId),
    finished: () => [...uploads.values()].filter((u) => u.completed).map((u) => u.fileId),
  };
}

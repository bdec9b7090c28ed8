import { randomUUID } from "node:crypto";
import { OFAUTH_LIMITS } from "@uploadkit/providers";
import { verifyCompletion } from "../gateway/part-ledger.js";
import { HttpError, readJson, sendJson } from "../http/body.js";
import { type RouteContext, Router } from "../http/router.js";
import { header, type ProviderContext, type ProviderFake } from "./provider-context.js";

/** How the OFAuth fake behaves. */
export interface OfauthFakeOptions {
  /** The API key it accepts. */
  apiKey: string;
  /** The connection id it accepts. */
  connectionId: string;
  /** Bytes per part the server plans. */
  partSize: number;
  /** Which documented init response to give: the full plan, or the id with the plan in headers. */
  initResponse: "plan" | "id-only";
}

/** The OFAuth fake's defaults. */
export const OFAUTH_DEFAULTS: OfauthFakeOptions = {
  apiKey: "sandbox-ofauth-key",
  connectionId: "conn_sandbox",
  partSize: OFAUTH_LIMITS.defaultPartSize,
  initResponse: "plan",
};

interface Upload {
  id: string;
  key: string;
  size: number;
  contentType: string;
  partSize: number;
  totalParts: number;
  s3UploadId: string | undefined;
  done: boolean;
}

interface VaultMedia {
  id: number;
  type: "photo" | "video" | "gif" | "audio";
  md5: string;
  size: number;
  key: string;
  createdAt: string;
}

/** OFAuth's upload flow: init with a plan, single or part PUTs through the API, complete, check. */
export function createOfauthFake(context: ProviderContext, options: OfauthFakeOptions): ProviderFake {
  const uploads = new Map<string, Upload>();
  const vault: VaultMedia[] = [];
  let nextMediaId = 3_812_000;
  const router = new Router();
  const error = (status: number, message: string, type: string) =>
    new HttpError(status, { error: message, type, requestId: `req_${randomUUID().slice(0, 8)}` });
  const invalid = (message: string) => error(400, message, "BAD_REQUEST");

  const uploadOf = ({ params }: RouteContext): Upload => {
    const upload = uploads.get(params.mediaUploadId ?? "");
    if (!upload || upload.done)
      throw error(404, `Upload ${params.mediaUploadId} not found or already finalised`, "RESOURCE_NOT_FOUND");
    return upload;
  };

  const bodyLength = ({ req }: RouteContext): number => {
    const length = Number(header(req, "content-length"));
    if (!Number.isInteger(length) || length < 0) throw error(411, "Content-Length is required", "BAD_REQUEST");
    return length;
  };

  const finalise = async (upload: Upload) => {
    upload.done = true;
    const digests = await context.store.digests(upload.key);
    const item: VaultMedia = {
      id: nextMediaId++,
      type: mediaType(upload.contentType),
      md5: digests.md5,
      size: digests.size,
      key: upload.key,
      createdAt: new Date().toISOString(),
    };
    vault.push(item);
    return item;
  };

  router.on("POST", "/v2/access/uploads/init", async (routeContext) => {
    const body = (await readJson(routeContext.req, invalid)) as Record<string, unknown> | undefined;
    const filename = body?.filename;
    const size = body?.size;
    const contentType = body?.contentType;
    if (typeof filename !== "string" || filename.length === 0) throw invalid("filename is required");
    if (!Number.isInteger(size) || (size as number) <= 0) throw invalid("size must be an integer greater than 0");
    if (typeof contentType !== "string" || contentType.length === 0) throw invalid("contentType is required");
    const id = `upload:${randomUUID()}`;
    const totalParts = Math.max(1, Math.ceil((size as number) / options.partSize));
    const key = `ofauth/${id.slice(7)}/${filename}`;
    const s3UploadId = totalParts > 1 ? await context.store.createMultipartUpload(key, contentType) : undefined;
    const upload: Upload = {
      id,
      key,
      size: size as number,
      contentType,
      partSize: options.partSize,
      totalParts,
      s3UploadId,
      done: false,
    };
    uploads.set(id, upload);
    const planHeaders = {
      "x-ofauth-upload-total-parts": String(totalParts),
      "x-ofauth-upload-part-size": String(options.partSize),
    };
    if (options.initResponse === "id-only") return sendJson(routeContext.res, 200, { mediaUploadId: id }, planHeaders);
    const base = `${context.origin()}/v2/access/uploads/${encodeURIComponent(id)}`;
    sendJson(routeContext.res, 200, {
      mediaUploadId: id,
      uploadType: totalParts > 1 ? "multipart" : "single",
      totalParts,
      partSize: options.partSize,
      expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
      parts: Array.from({ length: totalParts }, (_, index) => ({
        partNumber: index + 1,
        uploadUrl: `${base}/parts/${index + 1}`,
        byteRange: { start: index * options.partSize, end: Math.min(upload.size, (index + 1) * options.partSize) - 1 },
      })),
      completeUrl: `${context.origin()}/v2/access/uploads/complete`,
    });
  });

  router.on("PUT", "/v2/access/uploads/:mediaUploadId", async (routeContext) => {
    const upload = uploadOf(routeContext);
    if (upload.totalParts > 1)
      throw invalid(`Upload ${upload.id} has ${upload.totalParts} parts; PUT each to /parts/{partNumber}`);
    const length = bodyLength(routeContext);
    if (length !== upload.size) throw invalid(`Body is ${length} bytes; the upload was initialised with size ${upload.size}`);
    await context.store.putObject(upload.key, routeContext.req, length, upload.contentType);
    const item = await finalise(upload);
    sendJson(routeContext.res, 200, { mediaUploadId: upload.id, media: mediaJson(item) });
  });

  router.on("PUT", "/v2/access/uploads/:mediaUploadId/parts/:partNumber", async (routeContext) => {
    const upload = uploadOf(routeContext);
    const partNumber = Number(routeContext.params.partNumber);
    if (!upload.s3UploadId || !Number.isInteger(partNumber) || partNumber < 1 || partNumber > upload.totalParts) {
      throw invalid(`partNumber must be 1 to ${upload.totalParts} for upload ${upload.id}`);
    }
    const expected = Math.min(upload.partSize, upload.size - (partNumber - 1) * upload.partSize);
    const length = bodyLength(routeContext);
    if (length !== expected) throw invalid(`Part ${partNumber} must be ${expected} bytes, got ${length}`);
    const etag = await context.store.uploadPart(upload.key, upload.s3UploadId, partNumber, routeContext.req, length);
    context.ledger.record(upload.s3UploadId, { partNumber, etag, size: length });
    sendJson(routeContext.res, 200, { mediaUploadId: upload.id, partNumber, etag });
  });

  router.on("POST", "/v2/access/uploads/complete", async (routeContext) => {
    const body = (await readJson(routeContext.req, invalid)) as { mediaUploadId?: unknown } | undefined;
    if (typeof body?.mediaUploadId !== "string" || !body.mediaUploadId) throw invalid("mediaUploadId is required");
    const upload = uploadOf({ ...routeContext, params: { mediaUploadId: body.mediaUploadId } });
    if (!upload.s3UploadId) throw invalid(`Upload ${upload.id} is single-part; the PUT already finalised it`);
    const stored = context.ledger.parts(upload.s3UploadId);
    const planned = Array.from({ length: upload.totalParts }, (_, index) => ({
      partNumber: index + 1,
      etag: stored.find((part) => part.partNumber === index + 1)?.etag ?? "",
    }));
    const problem = verifyCompletion(planned, stored, { minPartSize: 1, maxParts: 10_000 }, upload.totalParts);
    if (problem) throw invalid(`Cannot finalise ${upload.id}: ${problem}`);
    await context.store.completeMultipartUpload(upload.key, upload.s3UploadId, planned);
    context.ledger.forget(upload.s3UploadId);
    const item = await finalise(upload);
    sendJson(routeContext.res, 200, { mediaUploadId: upload.id, media: mediaJson(item) });
  });

  // A post referencing uploads, so examples that go on from an upload to a post run against the sandbox too.
  router.on("POST", "/v2/access/posts", async (routeContext) => {
    const body = (await readJson(routeContext.req, invalid)) as { text?: unknown; mediaItems?: unknown } | undefined;
    const items = Array.isArray(body?.mediaItems) ? body.mediaItems : [];
    for (const item of items) {
      const upload = typeof item === "string" ? uploads.get(item) : undefined;
      if (typeof item === "string" && !upload?.done) throw invalid(`mediaItems: ${item} is not a finished upload`);
    }
    sendJson(routeContext.res, 200, {
      id: nextMediaId++,
      text: typeof body?.text === "string" ? body.text : "",
      mediaCount: items.length,
    });
  });

  router.on("POST", "/v2/access/uploads/check", async (routeContext) => {
    const body = (await readJson(routeContext.req, invalid)) as { etag?: unknown; size?: unknown } | undefined;
    if (typeof body?.etag !== "string" || !body.etag) throw invalid("etag is required");
    if (!Number.isInteger(body.size) || (body.size as number) <= 0) throw invalid("size must be an integer greater than 0");
    const etag = body.etag.replace(/"/g, "").toLowerCase();
    const found = vault.find((item) => item.md5 === etag && item.size === body.size);
    sendJson(routeContext.res, 200, found ? { exists: true, media: mediaJson(found) } : { exists: false });
  });

  return {
    router,
    guard(req) {
      if (header(req, "apikey") !== options.apiKey) throw error(401, "Invalid API key", "UNAUTHORIZED");
      if (header(req, "x-connection-id") !== options.connectionId)
        throw error(401, "Unknown or missing x-connection-id", "SESSION_NOT_PROVIDED");
    },
    errorBody: (status, message) => ({
      error: message,
      type: status === 404 ? "ROUTE_NOT_FOUND" : "ERROR",
      requestId: `req_${randomUUID().slice(0, 8)}`,
    }),
    finished: () => [...uploads.entries()].filter(([, u]) => u.done).map(([id]) => id),
    keyOf: (id) => {
      const upload = uploads.get(id);
      if (upload?.done) return upload.key;
      return vault.find((item) => String(item.id) === id)?.key;
    },
  };
}

function mediaType(contentType: string): VaultMedia["type"] {
  if (contentType === "image/gif") return "gif";
  if (contentType.startsWith("video/")) return "video";
  if (contentType.startsWith("audio/")) return "audio";
  return "photo";
}

function mediaJson(item: VaultMedia) {
  return {
    id: item.id,
    type: item.type,
    convertedToVideo: false,
    canView: true,
    hasError: false,
    isReady: true,
    createdAt: item.createdAt,
    files: { full: { url: `https://cdn.sandbox.invalid/${item.key}`, size: item.size } },
  };
}

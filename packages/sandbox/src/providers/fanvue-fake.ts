import { randomUUID } from "node:crypto";
import { FANVUE_LIMITS } from "@uploadkit/providers";
import { verifyCompletion } from "../gateway/part-ledger.js";
import { HttpError, readJson, sendJson, sendText } from "../http/body.js";
import { type RouteContext, Router } from "../http/router.js";
import { header, type ProviderContext, type ProviderFake } from "./provider-context.js";

/** How the Fanvue fake behaves. */
export interface FanvueFakeOptions {
  /** The access token it accepts. */
  token: string;
  /** Versions the fake accepts. */
  apiVersions: string[];
  /** Retired versions → the version to move to (answered with 410). */
  sunsetVersions: Record<string, string>;
  /** Creators an agency token may act for. */
  creators: string[];
  /** How the part-URL endpoint answers (the real format is undocumented). */
  partUrlFormat: "object" | "string" | "text";
  /** Lifetime of the part URLs it hands out. */
  partUrlExpiresInSeconds: number;
  /**
   * Time from complete to `ready`, or `"manual"`: media stay `processing` until `sandbox.fanvue.finishProcessing()`
   * (tests that look at the processing state drive it, instead of racing a clock).
   */
  processingMs: number | "manual";
  /** Media whose processing ends in `error`. */
  failProcessing: (name: string) => boolean;
}

/** The Fanvue fake's defaults. */
export const FANVUE_DEFAULTS: FanvueFakeOptions = {
  token: "sandbox-fanvue-token",
  apiVersions: ["2025-06-26"],
  sunsetVersions: { "2024-01-01": "2025-06-26" },
  creators: ["0b6e1c9e-5a4f-4c83-9a4e-2f1d8b7c6a50"],
  partUrlFormat: "object",
  partUrlExpiresInSeconds: 3600,
  processingMs: 300,
  failProcessing: () => false,
};

const MEDIA_TYPES = ["image", "video", "audio", "document"];

interface Session {
  uploadId: string;
  s3UploadId: string;
  mediaUuid: string;
  key: string;
  creator: string | undefined;
  completed: boolean;
}

interface MediaRecord {
  uuid: string;
  name: string;
  filename: string;
  mediaType: string;
  createdAt: string;
  completedAt: number | undefined;
  /** With processingMs "manual": processing was finished by the test. */
  processed?: boolean;
  creator: string | undefined;
}

/** A message the Fanvue fake took (`POST /chats/{userUuid}/message`). */
export interface FanvueMessage {
  /** The id the fake answered with. */
  messageUuid: string;
  /** The user it went to. */
  to: string;
  /** Its text, or null for media alone. */
  text: string | null;
  /** The media attached, as sent. */
  mediaUuids: string[];
}

export interface FanvueFake extends ProviderFake {
  /** Messages sent so far, oldest first. */
  readonly messages: readonly FanvueMessage[];
  /** With processingMs "manual": ends processing of one media (or of all), which then read `ready` (or `error`). */
  finishProcessing(mediaUuid?: string): void;
}

/** Fanvue's media upload flow: sessions, per-part presigned URLs, complete, processing → ready; and messages with media. */
export function createFanvueFake(context: ProviderContext, options: FanvueFakeOptions): FanvueFake {
  const sessions = new Map<string, Session>();
  const media = new Map<string, MediaRecord>();
  const messages: FanvueMessage[] = [];
  let remaining = 200;
  const router = new Router();
  const invalid = (message: string) => new HttpError(400, { errors: [message] });

  const creatorOf = ({ params }: RouteContext): string | undefined => {
    const creator = params.creatorUserUuid;
    if (creator !== undefined && !options.creators.includes(creator)) {
      throw new HttpError(403, { message: `This token may not act for creator ${creator}` });
    }
    return creator;
  };
  const sessionOf = (routeContext: RouteContext): Session => {
    const creator = creatorOf(routeContext);
    const session = sessions.get(routeContext.params.uploadId ?? "");
    if (!session || session.creator !== creator || session.completed) {
      throw new HttpError(404, { message: `Upload session ${routeContext.params.uploadId} not found or already completed` });
    }
    return session;
  };

  const createSession = async (routeContext: RouteContext) => {
    const creator = creatorOf(routeContext);
    const body = (await readJson(routeContext.req, invalid)) as Record<string, unknown> | undefined;
    const errors: string[] = [];
    for (const field of ["name", "filename"]) {
      const value = body?.[field];
      if (typeof value !== "string" || value.length < 1 || value.length > 255)
        errors.push(`${field} must be a string of 1 to 255 characters`);
    }
    if (!MEDIA_TYPES.includes(body?.mediaType as string)) errors.push(`mediaType must be one of ${MEDIA_TYPES.join(", ")}`);
    if (errors.length > 0) throw new HttpError(400, { errors });
    const mediaUuid = randomUUID();
    const uploadId = `${randomUUID().replace(/-/g, "")}multipart`;
    const key = `fanvue/${mediaUuid}/${body?.filename as string}`;
    const s3UploadId = await context.store.createMultipartUpload(key, "application/octet-stream");
    sessions.set(uploadId, { uploadId, s3UploadId, mediaUuid, key, creator, completed: false });
    media.set(mediaUuid, {
      uuid: mediaUuid,
      name: body?.name as string,
      filename: body?.filename as string,
      mediaType: body?.mediaType as string,
      createdAt: new Date().toISOString(),
      completedAt: undefined,
      creator,
    });
    sendJson(routeContext.res, 200, { mediaUuid, uploadId });
  };

  const partUrl = async (routeContext: RouteContext) => {
    const session = sessionOf(routeContext);
    const partNumber = Number(routeContext.params.partNumber);
    if (!Number.isInteger(partNumber) || partNumber < 1 || partNumber > 10_000)
      throw invalid("partNumber must be an integer from 1 to 10000");
    const signed = await context.store.presignPart(session.key, session.s3UploadId, partNumber, options.partUrlExpiresInSeconds);
    const url = context.gateway.route(signed);
    if (options.partUrlFormat === "text") sendText(routeContext.res, 200, url);
    else sendJson(routeContext.res, 200, options.partUrlFormat === "string" ? url : { url });
  };

  const complete = async (routeContext: RouteContext) => {
    const session = sessionOf(routeContext);
    const body = (await readJson(routeContext.req, invalid)) as { parts?: { ETag?: string; PartNumber?: number }[] } | undefined;
    if (!Array.isArray(body?.parts)) throw invalid("parts must be an array of { ETag, PartNumber }");
    const listed = body.parts.map((p) => ({ partNumber: Number(p.PartNumber), etag: String(p.ETag ?? "") }));
    const problem = verifyCompletion(listed, context.ledger.parts(session.s3UploadId), {
      minPartSize: FANVUE_LIMITS.minPartSize,
      maxParts: FANVUE_LIMITS.maxParts,
    });
    if (problem) throw invalid(`Cannot complete upload ${session.uploadId}: ${problem}`);
    await context.store.completeMultipartUpload(session.key, session.s3UploadId, listed);
    session.completed = true;
    context.ledger.forget(session.s3UploadId);
    const record = media.get(session.mediaUuid) as MediaRecord;
    record.completedAt = Date.now();
    sendJson(routeContext.res, 200, { status: "processing" });
  };

  const mediaView = (record: MediaRecord, variants: string[]) => {
    const status = statusOf(record);
    if (status !== "ready") return { uuid: record.uuid, status };
    return {
      uuid: record.uuid,
      status,
      createdAt: record.createdAt,
      url: null,
      caption: null,
      description: null,
      name: record.name,
      mediaType: record.mediaType,
      recommendedPrice: null,
      variants: variants.map((variantType, displayPosition) => ({
        uuid: randomUUID(),
        variantType,
        displayPosition,
        width: null,
        height: null,
        lengthMs: null,
      })),
    };
  };

  /** A query list, sent comma separated (`?a=x,y`) or repeated (`?a=x&a=y`). */
  const listParam = (url: URL, name: string) =>
    url.searchParams
      .getAll(name)
      .flatMap((value) => value.split(","))
      .filter(Boolean);

  const getMedia = (routeContext: RouteContext) => {
    const creator = creatorOf(routeContext);
    const record = media.get(routeContext.params.uuid ?? "");
    if (!record || record.creator !== creator)
      throw new HttpError(404, { message: `Media ${routeContext.params.uuid} not found` });
    sendJson(routeContext.res, 200, mediaView(record, listParam(routeContext.url, "variants")));
  };

  const listMedia = (routeContext: RouteContext) => {
    const creator = creatorOf(routeContext);
    const { url } = routeContext;
    const page = Number(url.searchParams.get("page") ?? 1);
    const size = Number(url.searchParams.get("size") ?? 15);
    if (!Number.isInteger(page) || page < 1) throw invalid("page must be an integer of at least 1");
    if (!Number.isInteger(size) || size < 1 || size > 50) throw invalid("size must be an integer from 1 to 50");
    const statuses = listParam(url, "status");
    const mediaType = url.searchParams.get("mediaType");
    const matching = [...media.values()]
      .filter((record) => record.creator === creator)
      .filter((record) => statuses.length === 0 || statuses.includes(statusOf(record)))
      .filter((record) => !mediaType || record.mediaType === mediaType)
      .sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1));
    const variants = listParam(url, "variants");
    sendJson(routeContext.res, 200, {
      data: matching.slice((page - 1) * size, page * size).map((record) => mediaView(record, variants)),
      pagination: { page, size, hasMore: matching.length > page * size },
    });
  };

  const statusOf = (record: MediaRecord): string => {
    if (record.completedAt === undefined) return "created";
    const processing =
      options.processingMs === "manual" ? !record.processed : Date.now() - record.completedAt < options.processingMs;
    if (processing) return "processing";
    return options.failProcessing(record.name) ? "error" : "ready";
  };

  // Messages with media attached: every media must be one of this account's (or creator's), and ready.
  const sendMessage = async (routeContext: RouteContext) => {
    const creator = creatorOf(routeContext);
    const body = (await readJson(routeContext.req, invalid)) as
      | { text?: unknown; mediaUuids?: unknown; price?: unknown }
      | undefined;
    const text = body?.text ?? null;
    const mediaUuids = body?.mediaUuids ?? [];
    if (text !== null && typeof text !== "string") throw invalid("text must be a string or null");
    if (!Array.isArray(mediaUuids) || mediaUuids.some((uuid) => typeof uuid !== "string"))
      throw invalid("mediaUuids must be a list of media uuids");
    if (!text && mediaUuids.length === 0) throw invalid("a message needs text or media");
    for (const uuid of mediaUuids as string[]) {
      const record = media.get(uuid);
      if (!record || record.creator !== creator) throw invalid(`media ${uuid} not found`);
      if (statusOf(record) !== "ready") throw invalid(`media ${uuid} is ${statusOf(record)}, not ready`);
    }
    const message = {
      messageUuid: randomUUID(),
      to: routeContext.params.userUuid ?? "",
      text: text as string | null,
      mediaUuids: mediaUuids as string[],
    };
    messages.push(message);
    sendJson(routeContext.res, 201, { messageUuid: message.messageUuid });
  };

  for (const prefix of ["", "/creators/:creatorUserUuid"]) {
    router
      .on("POST", `${prefix}/chats/:userUuid/message`, sendMessage)
      .on("POST", `${prefix}/media/uploads`, createSession)
      .on("GET", `${prefix}/media/uploads/:uploadId/parts/:partNumber/url`, partUrl)
      .on("PATCH", `${prefix}/media/uploads/:uploadId`, complete)
      .on("GET", `${prefix}/media`, listMedia)
      .on("GET", `${prefix}/media/:uuid`, getMedia);
  }

  return {
    router,
    guard(req) {
      const version = header(req, "x-fanvue-api-version");
      if (version && options.sunsetVersions[version]) {
        throw new HttpError(410, {
          error: "SunsetVersion",
          message: `API version ${version} is no longer supported`,
          nextVersion: options.sunsetVersions[version],
        });
      }
      if (!version || !options.apiVersions.includes(version)) {
        throw new HttpError(400, {
          error: "UnsupportedVersionError",
          message: `X-Fanvue-API-Version ${version ? `"${version}" is not supported` : "header is required"}; use ${options.apiVersions.join(" or ")}`,
        });
      }
      if (header(req, "authorization") !== `Bearer ${options.token}`) throw new HttpError(401, { message: "Unauthorized" });
      remaining = Math.max(0, remaining - 1);
    },
    errorBody: (_status, message) => ({ message }),
    responseHeaders: () => ({
      "x-ratelimit-limit": "200",
      "x-ratelimit-remaining": String(remaining),
      "x-ratelimit-reset": String(Math.ceil(Date.now() / 1000) + 60),
    }),
    finishProcessing(mediaUuid) {
      for (const record of media.values()) if (mediaUuid === undefined || record.uuid === mediaUuid) record.processed = true;
    },
    messages,
    finished: () => [...sessions.values()].filter((s) => s.completed).map((s) => s.mediaUuid),
    keyOf: (mediaUuid) => [...sessions.values()].find((s) => s.mediaUuid === mediaUuid && s.completed)?.key,
  };
}

import { createHash, randomUUID } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { stat } from "node:fs/promises";
import type { IncomingMessage } from "node:http";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { FLOWKIWI_LIMITS } from "@uploadkit/providers";
import busboy from "busboy";
import { fileTypeFromFile } from "file-type";
import { imageSizeFromFile } from "image-size/fromFile";
import { drain, HttpError, sendJson } from "../http/body.js";
import { type RouteContext, Router } from "../http/router.js";
import { removeScratch, scratchDir } from "../scratch.js";
import { header, type ProviderContext, type ProviderFake } from "./provider-context.js";

/** How the Flowkiwi fake behaves. */
export interface FlowkiwiFakeOptions {
  /** The bearer token it accepts. */
  token: string;
  /** The organisation id it accepts. */
  organizationId: string;
  /** Largest non-video file (documented: 5 MB). */
  maxFileBytes: number;
  /** Largest video (documented: 100 MB). */
  maxVideoBytes: number;
  /** Answer a wrong `hash` (to test clients' verification). */
  tamperHash: boolean;
}

/** The Flowkiwi fake's defaults. */
export const FLOWKIWI_DEFAULTS: FlowkiwiFakeOptions = {
  token: "sandbox-flowkiwi-token",
  organizationId: "org_sandbox",
  maxFileBytes: FLOWKIWI_LIMITS.maxFileBytes,
  maxVideoBytes: FLOWKIWI_LIMITS.maxVideoBytes,
  tamperHash: false,
};

interface MediaRecord {
  id: string;
  key: string;
  contentUrl: string;
  mimeType: string;
  type: "image" | "video" | "file";
  hash: string;
  dimensions: { width: number; height: number } | null;
  createdAt: string;
}

const LD = "application/ld+json";
const PROBLEM = "application/problem+json";

/** Flowkiwi's media API: multipart/form-data create with size limits, sha256 and dimensions; list/get/delete. */
export function createFlowkiwiFake(context: ProviderContext, options: FlowkiwiFakeOptions): ProviderFake {
  const medias = new Map<string, MediaRecord>();
  const router = new Router();
  const problem = (status: number, title: string, detail: string, extra: Record<string, unknown> = {}) =>
    new HttpError(status, {
      "@id": `/errors/${status}`,
      "@type": "hydra:Error",
      type: `/errors/${status}`,
      title,
      detail,
      status,
      ...extra,
    });

  router.on("POST", "/rest/api/medias", async ({ req, res }: RouteContext) => {
    if (!/^multipart\/form-data/i.test(header(req, "content-type") ?? "")) {
      throw problem(400, "An error occurred", 'Send the file as multipart/form-data in a "file" field.');
    }
    const dir = scratchDir("flowkiwi");
    try {
      const upload = await receiveFile(req, join(dir, "upload"), options.maxVideoBytes);
      if (!upload) throw problem(400, "An error occurred", 'The file "file" was not found in the request.');
      const sniffed = await fileTypeFromFile(upload.path);
      const mimeType = sniffed?.mime ?? upload.declaredType ?? "application/octet-stream";
      const type = mimeType.startsWith("image/") ? "image" : mimeType.startsWith("video/") ? "video" : "file";
      const limit = type === "video" ? options.maxVideoBytes : options.maxFileBytes;
      if (upload.truncated || upload.size > limit) {
        const message = `The file is too large (${(upload.size / 1e6).toFixed(2)} MB). Allowed maximum size is ${limit / 1e6} MB.`;
        throw new HttpError(422, {
          "@id": "/validation_errors/0",
          "@type": "ConstraintViolation",
          status: 422,
          violations: [{ propertyPath: "file", message, code: "df8637af-d466-48c6-a59d-e7126250a654" }],
          detail: `file: ${message}`,
          title: "An error occurred",
        });
      }
      if (upload.size === 0) throw problem(422, "An error occurred", "file: An empty file is not allowed.");
      const id = randomUUID();
      const key = `flowkiwi/medias/${id}/${upload.filename}`;
      await context.store.putObject(key, createReadStream(upload.path), upload.size, mimeType);
      const dimensions =
        type === "image"
          ? await imageSizeFromFile(upload.path).then(
              (d) => ({ width: d.width, height: d.height }),
              () => null,
            )
          : null;
      const record: MediaRecord = {
        id,
        key,
        contentUrl: `/uploads/medias/${id}/${upload.filename}`,
        mimeType,
        type,
        hash: options.tamperHash ? createHash("sha256").update("tampered").digest("hex") : upload.sha256,
        dimensions,
        createdAt: new Date().toISOString(),
      };
      medias.set(id, record);
      sendJson(res, 201, mediaJson(record), {}, LD);
    } finally {
      removeScratch(dir);
    }
  });

  router.on("GET", "/rest/api/medias", ({ res, url }: RouteContext) => {
    const page = Math.max(1, Number(url.searchParams.get("page") ?? 1) || 1);
    const perPage = Math.max(1, Number(url.searchParams.get("itemsPerPage") ?? 30) || 30);
    const types = [...url.searchParams.getAll("type"), ...url.searchParams.getAll("type[]")];
    const all = [...medias.values()].filter((m) => types.length === 0 || types.includes(m.type));
    const last = Math.max(1, Math.ceil(all.length / perPage));
    const link = (n: number) => `/rest/api/medias?itemsPerPage=${perPage}&page=${n}${types.map((t) => `&type[]=${t}`).join("")}`;
    sendJson(
      res,
      200,
      {
        "@context": "/contexts/Media",
        "@id": "/rest/api/medias",
        "@type": "hydra:Collection",
        "hydra:totalItems": all.length,
        "hydra:member": all.slice((page - 1) * perPage, page * perPage).map(mediaJson),
        "hydra:view": {
          "@id": link(page),
          "@type": "hydra:PartialCollectionView",
          "hydra:first": link(1),
          "hydra:last": link(last),
          ...(page > 1 ? { "hydra:previous": link(page - 1) } : {}),
          ...(page < last ? { "hydra:next": link(page + 1) } : {}),
        },
      },
      {},
      LD,
    );
  });

  const found = (id: string | undefined): MediaRecord => {
    const record = medias.get(id ?? "");
    if (!record) throw problem(404, "An error occurred", "Not Found");
    return record;
  };
  router.on("GET", "/rest/api/medias/:id", ({ res, params }: RouteContext) =>
    sendJson(res, 200, mediaJson(found(params.id)), {}, LD),
  );
  router.on("DELETE", "/rest/api/medias/:id", async ({ res, params }: RouteContext) => {
    const record = found(params.id);
    medias.delete(record.id);
    await context.store.delete(record.key);
    res.writeHead(204).end();
  });

  return {
    router,
    guard(req) {
      if (header(req, "authorization") !== `Bearer ${options.token}`) {
        throw new HttpError(401, { type: "/errors/401", title: "Unauthorized", detail: "Invalid JWT Token", status: 401 });
      }
      if (header(req, "x-flowkiwi-organization-id") !== options.organizationId) {
        throw new HttpError(403, {
          "@id": "/errors/403",
          "@type": "hydra:Error",
          type: "/errors/403",
          title: "Access Denied.",
          status: 403,
          detail: "The organization in X-Flowkiwi-Organization-Id is not one this token may act as.",
          missingPermissions: ["identity:organization:access"],
        });
      }
    },
    errorBody: (status, message) => ({ type: `/errors/${status}`, title: "An error occurred", detail: message, status }),
    errorContentType: PROBLEM,
    keyOf: (id) => medias.get(id)?.key,
    finished: () => [...medias.keys()],
  };
}

interface ReceivedFile {
  path: string;
  filename: string;
  declaredType: string | undefined;
  size: number;
  sha256: string;
  truncated: boolean;
}

/** Streams the `file` field to disk, hashing it; stops storing past `limit` bytes. */
function receiveFile(req: IncomingMessage, path: string, limit: number): Promise<ReceivedFile | undefined> {
  return new Promise((resolve, reject) => {
    let result: Promise<ReceivedFile> | undefined;
    const parser = busboy({ headers: req.headers, limits: { files: 1, fileSize: limit } });
    parser.on("file", (name, stream, info) => {
      if (name !== "file") {
        stream.resume();
        return;
      }
      const hash = createHash("sha256");
      let truncated = false;
      stream.on("data", (chunk: Buffer) => hash.update(chunk));
      stream.on("limit", () => {
        truncated = true;
      });
      result = pipeline(stream, createWriteStream(path)).then(async () => ({
        path,
        filename: info.filename || "upload",
        declaredType: info.mimeType || undefined,
        size: truncated ? limit + 1 : (await stat(path)).size,
        sha256: hash.digest("hex"),
        truncated,
      }));
    });
    parser.on("error", (error: Error) =>
      reject(
        new HttpError(400, { title: "An error occurred", detail: `Malformed multipart body: ${error.message}`, status: 400 }),
      ),
    );
    parser.on("close", () => {
      if (!result) {
        void drain(req).then(() => resolve(undefined), reject);
        return;
      }
      result.then(resolve, reject);
    });
    req.pipe(parser);
  });
}

function mediaJson(record: MediaRecord) {
  return {
    "@context": "/contexts/Media",
    "@id": `/rest/api/medias/${record.id}`,
    "@type": "https://schema.org/MediaObject",
    id: record.id,
    contentUrl: record.contentUrl,
    mimeType: record.mimeType,
    type: record.type,
    hash: record.hash,
    dimensions: record.dimensions ? { "@type": "EmbeddedImageDimensionResource", ...record.dimensions } : null,
    createdAt: record.createdAt,
    updatedAt: null,
  };
}

import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Chaos } from "../chaos/chaos.js";
import { answerCors, type CorsSettings } from "../http/cors.js";
import type { RequestLog } from "../http/request-log.js";
import type { PartLedger } from "./part-ledger.js";

export interface StoreGateway {
  origin: string;
  /** The same presigned URL, pointed at the gateway. */
  route(presignedUrl: string): string;
  /** Marks a presigned URL (by its X-Amz-Signature) as expired, as if its time had run out. */
  expire(url: string): void;
  close(): Promise<void>;
}

const HOP_BY_HOP = new Set(["connection", "keep-alive", "transfer-encoding", "upgrade", "proxy-connection", "te", "trailer"]);

/**
 * The origin clients PUT parts to. It checks a presigned URL's expiry (X-Amz-Date + X-Amz-Expires) where the store
 * does not, answers URLs marked expired (`expireUrl`) 403, injects
 * chaos, forwards the request unchanged to the store (keeping the store's Host so signatures still hold), logs
 * it, and records each stored part's ETag and size in the ledger.
 */
export async function startStoreGateway(options: {
  storeEndpoint: string;
  ledger: PartLedger;
  log: RequestLog;
  chaos: Chaos;
  port?: number;
  /** Answer expired presigned URLs 403 here: for stores that do not check expiry themselves (s3rver). */
  checkExpiry?: boolean;
  /** Cross-origin answers, as the bucket's CORS rules (read at each request). */
  cors?: CorsSettings;
}): Promise<StoreGateway> {
  const store = new URL(options.storeEndpoint);
  const expired = new Set<string>();
  const server: Server = createServer((req, res) => forward(req, res));

  function forward(req: IncomingMessage, res: ServerResponse): void {
    options.log.record("store", req, res);
    if (options.cors && answerCors(req, res, options.cors, true)) return;
    const url = new URL(req.url ?? "/", store);
    if (isExpired(url, expired, options.checkExpiry ?? true)) {
      req.resume();
      res
        .writeHead(403, { "content-type": "application/xml" })
        .end("<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>");
      return;
    }
    if (options.chaos.maybeFault(req, res, "parts")) return;
    const headers: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined && !HOP_BY_HOP.has(name)) headers[name] = value;
    }
    headers.host = store.host;
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
    });
    const upstream = httpRequest(
      { host: store.hostname, port: store.port, method: req.method, path: url.pathname + url.search, headers },
      (response) => {
        const uploadId = url.searchParams.get("uploadId");
        const partNumber = Number(url.searchParams.get("partNumber"));
        const etag = response.headers.etag;
        if (req.method === "PUT" && response.statusCode === 200 && uploadId && partNumber && typeof etag === "string") {
          options.ledger.record(uploadId, { partNumber, etag, size });
        }
        const answerHeaders = { ...response.headers };
        // The store's own CORS headers (if any) give way to the gateway's, which stand for the bucket's rules.
        if (options.cors?.enabled)
          for (const name of Object.keys(answerHeaders)) if (name.startsWith("access-control-")) delete answerHeaders[name];
        res.writeHead(response.statusCode ?? 502, answerHeaders);
        response.pipe(res);
      },
    );
    // A store may answer before it has read the body (403 for an expired URL) and close; that answer still goes back.
    upstream.on("error", () => {
      if (!res.headersSent) res.destroy();
    });
    req.on("aborted", () => upstream.destroy());
    req.pipe(upstream);
  }

  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    route(presignedUrl) {
      const url = new URL(presignedUrl);
      return `${origin}${url.pathname}${url.search}`;
    },
    expire(url) {
      const signature = new URL(url).searchParams.get("X-Amz-Signature");
      if (signature) expired.add(signature);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function isExpired(url: URL, expired: Set<string>, byTime: boolean): boolean {
  const signature = url.searchParams.get("X-Amz-Signature");
  if (signature && expired.has(signature)) return true;
  if (!byTime) return false;
  const date = url.searchParams.get("X-Amz-Date");
  const expires = Number(url.searchParams.get("X-Amz-Expires"));
  if (!date || !expires) return false;
  const signedAt = Date.parse(date.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, "$1-$2-$3T$4:$5:$6Z"));
  return Number.isFinite(signedAt) && Date.now() > signedAt + expires * 1000;
}

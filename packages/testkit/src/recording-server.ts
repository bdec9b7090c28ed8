import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface RecordedRequest {
  method: string;
  /** Path and query, as received. */
  url: string;
  headers: IncomingMessage["headers"];
  /** Bytes received (only the count and hashes are kept, so large bodies stay cheap). */
  bodyLength: number;
  bodySha256: string;
  bodyMd5: string;
  /** The body as text when it is at most 64 KiB, else undefined. */
  bodyText: string | undefined;
  /** True when the client closed the connection before the body ended. */
  aborted: boolean;
  /** The whole body, when the server was started with `keepBodies`. */
  body: Buffer | undefined;
}

export type Handler = (request: RecordedRequest, response: ServerResponse) => void | Promise<void>;

export interface RecordingServer {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

const TEXT_LIMIT = 64 * 1024;

/**
 * An HTTP server on 127.0.0.1 and a free port that reads every body in full, records the
 * request, then hands it to `handler`. With `onRequest`, the handler may act before the
 * body is read (to reset or stall a connection mid-body).
 */
export async function startRecordingServer(
  handler: Handler,
  options: {
    /** Called before the body is read; return true when it took over the request (to reset or stall it). */
    onRequest?: (request: IncomingMessage, response: ServerResponse) => boolean;
    /** Keep every body whole in `RecordedRequest.body` (tests of small uploads). */
    keepBodies?: boolean;
  } = {},
): Promise<RecordingServer> {
  const requests: RecordedRequest[] = [];
  const server: Server = createServer((request, response) => {
    if (options.onRequest?.(request, response)) return;
    const sha256 = createHash("sha256");
    const md5 = createHash("md5");
    const textChunks: Buffer[] = [];
    const bodyChunks: Buffer[] = [];
    let bodyLength = 0;
    const record = (aborted: boolean): RecordedRequest => ({
      method: request.method ?? "",
      url: request.url ?? "",
      headers: request.headers,
      bodyLength,
      bodySha256: sha256.digest("hex"),
      bodyMd5: md5.digest("hex"),
      bodyText: bodyLength <= TEXT_LIMIT ? Buffer.concat(textChunks).toString("utf8") : undefined,
      aborted,
      body: options.keepBodies ? Buffer.concat(bodyChunks) : undefined,
    });
    request.on("data", (chunk: Buffer) => {
      bodyLength += chunk.length;
      sha256.update(chunk);
      md5.update(chunk);
      if (bodyLength <= TEXT_LIMIT) textChunks.push(chunk);
      if (options.keepBodies) bodyChunks.push(chunk);
    });
    request.on("end", () => {
      const recorded = record(false);
      requests.push(recorded);
      Promise.resolve(handler(recorded, response)).catch((error: unknown) => {
        response.statusCode = 500;
        response.end(String(error));
      });
    });
    request.on("aborted", () => requests.push(record(true)));
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

export function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text), ...headers });
  response.end(text);
}

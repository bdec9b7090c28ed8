import { createHash } from "node:crypto";
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";

/** What the server does to one request instead of storing it. */
export type Fault =
  | "reset" // read the first bytes, then destroy the connection mid-body
  | "stall" // read nothing, answer nothing
  | "bad-etag" // store the part, answer an ETag that is not its MD5
  | "no-etag" // store the part, answer without an ETag
  | "redirect" // answer 307
  | "slow" // store the part, reading it in small steps so the client's socket fills and waits to drain
  | { status: number; retryAfter?: string; body?: string };

export interface PartRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  partNumber: number;
  attempt: number;
  at: number;
}

export interface PartServer {
  origin: string;
  /** A part URL; `sig` of "expired" is answered with S3's 403 AccessDenied. */
  url(partNumber: number, sig?: string): string;
  requests: PartRequest[];
  /** The stored parts (last successful write wins). */
  parts: Map<number, Buffer>;
  /** SHA-256 of parts 1..count concatenated, or undefined if one is missing. */
  objectSha256(count: number): string | undefined;
  close(): Promise<void>;
}

/** An S3-like part store on 127.0.0.1 that answers `"<md5>"` ETags and injects faults on demand. */
export async function startPartServer(
  options: { fault?: (request: PartRequest) => Fault | undefined } = {},
): Promise<PartServer> {
  const requests: PartRequest[] = [];
  const parts = new Map<number, Buffer>();
  const attempts = new Map<number, number>();
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const partNumber = Number(url.pathname.split("/").pop());
    const attempt = (attempts.get(partNumber) ?? 0) + 1;
    attempts.set(partNumber, attempt);
    const record: PartRequest = {
      method: req.method ?? "",
      url: req.url ?? "",
      headers: req.headers,
      partNumber,
      attempt,
      at: Date.now(),
    };
    requests.push(record);
    const fault = url.searchParams.get("sig") === "expired" ? { status: 403, body: ACCESS_DENIED } : options.fault?.(record);
    if (fault === "stall") return;
    if (fault === "reset") {
      req.once("data", () => req.socket.destroy());
      return;
    }
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => {
      chunks.push(chunk);
      if (fault !== "slow") return;
      req.pause();
      setTimeout(() => req.resume(), 1);
    });
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      if (typeof fault === "object") {
        const headers: Record<string, string> = { "content-type": "application/xml" };
        if (fault.retryAfter) headers["retry-after"] = fault.retryAfter;
        res.writeHead(fault.status, headers).end(fault.body ?? `<Error><Code>Fault${fault.status}</Code></Error>`);
        return;
      }
      if (fault === "redirect") {
        res.writeHead(307, { location: "http://127.0.0.1:9/elsewhere" }).end();
        return;
      }
      parts.set(partNumber, body);
      const md5 = createHash("md5")
        .update(fault === "bad-etag" ? Buffer.from("not the bytes") : body)
        .digest("hex");
      res.writeHead(200, fault === "no-etag" ? {} : { etag: `"${md5}"` }).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    url: (partNumber, sig = "ok") => `${origin}/bucket/object/${partNumber}?uploadId=u1&X-Amz-Signature=${sig}&sig=${sig}`,
    requests,
    parts,
    objectSha256(count) {
      const hash = createHash("sha256");
      for (let n = 1; n <= count; n++) {
        const part = parts.get(n);
        if (!part) return undefined;
        hash.update(part);
      }
      return hash.digest("hex");
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const ACCESS_DENIED = "<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>";

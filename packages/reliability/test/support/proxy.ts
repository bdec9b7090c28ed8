import { createServer, type IncomingMessage, request, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Sandbox } from "@uploadkit/sandbox";
import type { Provider } from "./clients.js";

export interface Canned {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

export interface ProxyOptions {
  /** The server requests are forwarded to. */
  target: string;
  /**
   * Answer this request here instead of forwarding it (undefined: forward). "hang" never reads nor answers; "silent"
   * reads the whole request and never answers; "cut" forwards it and drops the connection once the answer's head has
   * arrived (the server acted, the client never hears how).
   */
  intercept?: (req: IncomingMessage, count: number) => Canned | "hang" | "silent" | "cut" | undefined;
  /** Rewrites a forwarded JSON response body. */
  rewriteJson?: (path: string, body: Record<string, unknown>) => Record<string, unknown>;
  /** Response headers to drop. */
  dropHeaders?: string[];
}

export interface Proxy {
  origin: string;
  close(): Promise<void>;
}

/** A misbehaving middle-man on 127.0.0.1: canned answers, rewritten JSON, dropped headers. */
export async function startProxy(options: ProxyOptions): Promise<Proxy> {
  const target = new URL(options.target);
  let count = 0;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const canned = options.intercept?.(req, ++count);
    if (canned === "hang") return;
    if (canned === "silent") {
      req.resume();
      return;
    }
    if (canned && canned !== "cut") {
      req.resume();
      req.on("end", () => res.writeHead(canned.status, canned.headers ?? {}).end(canned.body ?? ""));
      return;
    }
    const upstream = request(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: target.host },
      },
      (response) => {
        if (canned === "cut") {
          response.resume();
          res.socket?.destroy();
          return;
        }
        const headers = { ...response.headers };
        for (const name of options.dropHeaders ?? []) delete headers[name];
        const isJson = String(headers["content-type"] ?? "").includes("json");
        if (!options.rewriteJson || !isJson) {
          res.writeHead(response.statusCode ?? 502, headers);
          response.pipe(res);
          return;
        }
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () => {
          const body = JSON.stringify(
            options.rewriteJson?.(
              new URL(req.url ?? "/", "http://x").pathname,
              JSON.parse(Buffer.concat(chunks).toString() || "{}"),
            ),
          );
          delete headers["content-length"];
          res.writeHead(response.statusCode ?? 502, { ...headers, "content-length": String(Buffer.byteLength(body)) }).end(body);
        });
      },
    );
    upstream.on("error", () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Runs `use` with a proxy started for it, and stops the proxy however `use` ends. */
export async function withProxy<T>(options: ProxyOptions, use: (origin: string) => Promise<T>): Promise<T> {
  const proxy = await startProxy(options);
  try {
    return await use(proxy.origin);
  } finally {
    await proxy.close();
  }
}

/** Intercepts every `method` request by reading it whole and never answering ("silent"), counting them. */
export function silentOn(method: string): { intercept: NonNullable<ProxyOptions["intercept"]>; count(): number } {
  let seen = 0;
  return {
    intercept: (req) => {
      if (req.method !== method) return undefined;
      seen++;
      return "silent";
    },
    count: () => seen,
  };
}

/** A proxy in front of a provider's fake whose JSON answers name the proxy where they named the fake. */
export function apiProxy(sandbox: Sandbox, provider: Provider, options: Omit<ProxyOptions, "target"> = {}) {
  let origin = "";
  const rewrite = options.rewriteJson;
  return {
    run: <T>(use: (origin: string) => Promise<T>) =>
      withProxy(
        {
          ...options,
          target: sandbox[provider].baseUrl,
          rewriteJson: (path, body) => {
            const named = JSON.parse(JSON.stringify(body).replaceAll(sandbox[provider].baseUrl, origin));
            return rewrite ? rewrite(path, named) : named;
          },
        },
        (proxyOrigin) => {
          origin = proxyOrigin;
          return use(proxyOrigin);
        },
      ),
  };
}

/** A proxy in front of Record360's fake whose presigned part URLs point at `storeOrigin` (a misbehaving store). */
export const record360ViaStore = (sandbox: Sandbox, storeOrigin: string) =>
  apiProxy(sandbox, "record360", {
    rewriteJson: (path, body) =>
      path.includes("multipart_upload_start")
        ? {
            ...body,
            presigned_urls: (body.presigned_urls as string[]).map((u) => u.replace(sandbox.store.gatewayOrigin, storeOrigin)),
          }
        : body,
  });

import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http";

/** One request a sandbox server received: what the credential-leak audit reads. */
export interface LoggedRequest {
  /** Which server received it: a provider name or "store". */
  server: string;
  /** The request's method. */
  method: string;
  /** The request's path and query. */
  url: string;
  /** The request's headers. */
  headers: IncomingHttpHeaders;
  /** The status answered, once answered. */
  status?: number;
  /** When it arrived (epoch ms). */
  at: number;
  /** How long it took to answer, in ms (an injected API latency included), once answered. */
  answeredInMs?: number;
}

export class RequestLog {
  readonly entries: LoggedRequest[] = [];
  /** Logs a request as it arrives; its status is filled in when the response finishes. */
  record(server: string, req: IncomingMessage, res: ServerResponse): void {
    const entry: LoggedRequest = { server, method: req.method ?? "", url: req.url ?? "", headers: req.headers, at: Date.now() };
    const arrived = performance.now();
    this.entries.push(entry);
    res.on("finish", () => {
      entry.status = res.statusCode;
      entry.answeredInMs = performance.now() - arrived;
    });
  }
}

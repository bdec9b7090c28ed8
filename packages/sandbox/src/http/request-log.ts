import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http";

/** One request a sandbox server received: what the credential-leak audit reads. */
export interface LoggedRequest {
  /** Which server received it: a provider name or "store". */
  server: string;
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  status?: number;
  at: number;
}

export class RequestLog {
  readonly entries: LoggedRequest[] = [];
  /** Logs a request as it arrives; its status is filled in when the response finishes. */
  record(server: string, req: IncomingMessage, res: ServerResponse): void {
    const entry: LoggedRequest = { server, method: req.method ?? "", url: req.url ?? "", headers: req.headers, at: Date.now() };
    this.entries.push(entry);
    res.on("finish", () => {
      entry.status = res.statusCode;
    });
  }
}

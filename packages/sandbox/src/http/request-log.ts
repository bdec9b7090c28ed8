import type { IncomingHttpHeaders } from "node:http";

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
  add(entry: LoggedRequest): LoggedRequest {
    this.entries.push(entry);
    return entry;
  }
}

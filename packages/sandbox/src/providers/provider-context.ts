import type { IncomingMessage } from "node:http";
import type { PartLedger } from "../gateway/part-ledger.js";
import type { StoreGateway } from "../gateway/store-gateway.js";
import type { Router } from "../http/router.js";
import type { S3Store } from "../store/s3-store.js";

/** What every fake gets from the sandbox. */
export interface ProviderContext {
  store: S3Store;
  gateway: StoreGateway;
  ledger: PartLedger;
  /** The fake's own origin (known once its server listens). */
  origin(): string;
}

/** What a fake gives the sandbox to serve. */
export interface ProviderFake {
  router: Router;
  guard(req: IncomingMessage, url: URL): void;
  errorBody(status: number, message: string): unknown;
  errorContentType?: string;
  responseHeaders?: () => Record<string, string>;
  /** The store key of an uploaded file, by the id the provider returned. */
  keyOf(id: string): string | undefined;
  /** The ids of every finished upload, oldest first. */
  finished(): string[];
}

export const MiB = 1024 * 1024;

export function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

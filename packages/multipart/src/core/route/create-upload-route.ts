import { createUploadRouteFor } from "#route-server";
import type { UploadAdapter } from "../engine/upload-adapter.js";
import type { CommonUploadOptions, UploadResultCore } from "../engine/upload-options.js";
import { InputError } from "../errors.js";
import type { SourceInput } from "../sources/open-source.js";
import type { Transport } from "../transport/transport.js";
import type { UploadRouteOptions } from "./route-options.js";

/** The options a client's `uploadMedia` takes. */
type UploadOptionsOf<Client> = Client extends { uploadMedia(input: SourceInput, options?: infer Options): unknown }
  ? Options
  : never;
/** What a client's `uploadMedia` resolves with (the result `onUploadComplete` is given). */
type UploadResultOf<Client> = Client extends { uploadMedia(input: SourceInput, options?: never): Promise<infer Result> }
  ? Result
  : UploadResultCore;

/** Where a provider client keeps its route factory (set by the engine, read by `createUploadRoute`). */
const UPLOAD_ROUTE = Symbol.for("uploadkit.uploadRoute");

type RouteFactory = (options: UploadRouteOptions<never, never> | undefined) => (request: Request) => Promise<Response>;

/** Gives `client` the route factory of its adapter and transport (not enumerable: no new field on the client). */
export function withUploadRoute<Client extends object, Options extends CommonUploadOptions, Session, Result extends object>(
  client: Client,
  adapter: UploadAdapter<Options, Session, Result>,
  transport: Transport,
): Client {
  const factory = (options: UploadRouteOptions<Options, never> | undefined) => createUploadRouteFor(adapter, transport, options);
  Object.defineProperty(client, UPLOAD_ROUTE, { value: factory });
  return client;
}

/** `client`, able to serve `createUploadRoute` as `from` (the engine's client core) can. */
export function carryUploadRoute<Client extends object>(from: object, client: Client): Client {
  const factory = (from as Record<symbol, RouteFactory | undefined>)[UPLOAD_ROUTE];
  if (factory) Object.defineProperty(client, UPLOAD_ROUTE, { value: factory });
  return client;
}

/**
 * A Fetch-API handler `(request) => Promise<Response>` for your server that lets pages upload with `client`'s
 * credential without ever holding it: mount it under any path (prefix kept or stripped), or on node:http/Express
 * with `toNodeHandler`. Pages call it with `uploadThroughServer`. `options` decide on the server, before the
 * provider is called, who may upload what (`authorize`, `maxSize`, `contentTypes`) and with which provider options.
 */
export function createUploadRoute<Client extends { uploadMedia(input: SourceInput, options?: never): unknown }>(
  client: Client,
  options?: UploadRouteOptions<UploadOptionsOf<Client>, UploadResultOf<Client>>,
): (request: Request) => Promise<Response> {
  const factory = (client as unknown as Record<symbol, RouteFactory | undefined> | null | undefined)?.[UPLOAD_ROUTE];
  if (typeof factory !== "function") {
    throw new InputError("createUploadRoute needs a client made by an @uploadkit provider package (createFanvueClient, …).", {
      code: "INPUT_ROUTE_CLIENT",
    });
  }
  return factory(options as UploadRouteOptions<never, never> | undefined);
}

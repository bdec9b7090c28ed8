import { toNodeHandler as runtimeToNodeHandler } from "#runtime";

/**
 * A Fetch-API handler (`createUploadRoute`'s) as a node:http or Express handler `(req, res)`: `createServer(h)`,
 * `app.use("/uploads", h)`. The body is streamed to the handler, so mount it before any body parser. Node only.
 */
export function toNodeHandler(handler: (request: Request) => Promise<Response>): (req: unknown, res: unknown) => Promise<void> {
  return runtimeToNodeHandler(handler);
}

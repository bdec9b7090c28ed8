// One instance of a web app that mounts upload routes for the four providers, run from the packed packages as a
// deployed app would be: `node route-app.mjs` with ROUTE_APP_CONFIG (JSON). Every instance shares only the secret
// and Redis; the page and the route script are served from any of them.
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { createFanvueClient } from "@uploadkit/fanvue";
import { createFlowkiwiClient } from "@uploadkit/flowkiwi";
import { createUploadRoute, toNodeHandler } from "@uploadkit/multipart";
import { createOfauthClient } from "@uploadkit/ofauth";
import { createRecord360Client } from "@uploadkit/record360";
import { redisStore } from "@uploadkit/redis";
import { Redis } from "ioredis";

const config = JSON.parse(process.env.ROUTE_APP_CONFIG ?? "{}");
const { sandbox } = config;
const MiB = 1024 * 1024;
const redis = new Redis(config.redisUrl);
const store = redisStore({ url: config.redisUrl });

const common = {
  secret: config.secret,
  store,
  authorize: (request) => request.headers.get("x-user") === "alice",
  maxSize: 30 * MiB,
  contentTypes: ["video/*", "image/*"],
  onUploadComplete: async ({ request, file, result }) => {
    // How many times the hook ran for this upload, across every instance.
    const calls = await redis.incr(`app:hook:${result.provider}:${result.id}`);
    return { instance: config.instance, user: request.headers.get("x-user"), id: result.id, calls, filename: file.filename };
  },
};
const clients = {
  fanvue: () => createFanvueClient({ baseUrl: sandbox.fanvue.baseUrl, token: sandbox.fanvue.token }),
  record360: () => createRecord360Client({ baseUrl: sandbox.record360.baseUrl, token: sandbox.record360.token }),
  ofauth: () =>
    createOfauthClient({
      baseUrl: sandbox.ofauth.baseUrl,
      apiKey: sandbox.ofauth.apiKey,
      connectionId: sandbox.ofauth.connectionId,
    }),
  flowkiwi: () => createFlowkiwiClient({ baseUrl: sandbox.flowkiwi.baseUrl, ...sandbox.flowkiwi.credentials }),
};
const parts = { uploadOptions: { partSize: 5 * MiB } };
const routes = {
  fanvue: createUploadRoute(clients.fanvue(), { ...common, ...parts }),
  "fanvue-relay": createUploadRoute(clients.fanvue(), { ...common, ...parts, relay: true }),
  record360: createUploadRoute(clients.record360(), { ...common, ...parts }),
  ofauth: createUploadRoute(clients.ofauth(), common),
  flowkiwi: createUploadRoute(clients.flowkiwi(), common),
};
const handlers = Object.fromEntries(Object.entries(routes).map(([name, route]) => [name, toNodeHandler(route)]));

const page =
  '<!doctype html><meta charset="utf-8"><input id="files" type="file" multiple><script type="module" src="/route-page.js"></script>';
const server = createServer((req, res) => {
  const path = (req.url ?? "/").split("?")[0];
  const match = /^\/api\/uploads\/([a-z0-9-]+)\//.exec(path);
  if (match && handlers[match[1]]) return void handlers[match[1]](req, res);
  if (path === "/") return void res.writeHead(200, { "content-type": "text/html" }).end(page);
  if (path === "/route-page.js") {
    return void res.writeHead(200, { "content-type": "text/javascript" }).end(readFileSync(config.pageScript));
  }
  if (path === "/instance") return void res.writeHead(200).end(String(config.instance));
  res.writeHead(404).end();
});
server.listen(config.port, "127.0.0.1", () => process.stdout.write(`listening ${config.port}\n`));
process.on("SIGTERM", () => {
  server.close();
  redis.disconnect();
  void store.close();
  process.exit(0);
});

import { once } from "node:events";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { request } from "undici";
import { afterEach, describe, expect, it } from "vitest";
import { ApiWaitMeter } from "../src/api-wait-meter.js";

const servers: Server[] = [];

async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** A server whose answers wait until the test releases them, so which request overlaps which is decided by the test. */
function gatedServer() {
  const gates = new Map<string, () => void>();
  const arrived = new Map<string, Promise<void>>();
  const arrive = new Map<string, () => void>();
  const expect = (name: string) => arrived.set(name, new Promise<void>((resolve) => arrive.set(name, resolve)));
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const name = new URL(req.url ?? "/", "http://x").pathname.slice(1);
    req.resume();
    req.on("end", () => {
      gates.set(name, () => res.end("{}"));
      arrive.get(name)?.();
    });
  };
  return { handler, expect, arrived: (name: string) => arrived.get(name), release: (name: string) => gates.get(name)?.() };
}

describe("ApiWaitMeter", () => {
  it("counts the API calls made with no body moving, and not those a body upload overlaps", async () => {
    const api = gatedServer();
    const store = gatedServer();
    const apiOrigin = await serve(api.handler);
    const storeOrigin = await serve(store.handler);
    for (const name of ["create", "url-1", "url-2", "url-3", "complete"]) api.expect(name);
    store.expect("part-1");
    const meter = new ApiWaitMeter(apiOrigin, 0);
    const call = (name: string, method = "GET") =>
      request(`${apiOrigin}/${name}`, { method }).then((answer) => answer.body.text());

    const create = call("create", "POST");
    await api.arrived("create");
    api.release("create");
    await create;
    // Two URLs asked together: one stretch of waiting.
    const first = Promise.all([call("url-1"), call("url-2")]);
    await Promise.all([api.arrived("url-1"), api.arrived("url-2")]);
    api.release("url-1");
    api.release("url-2");
    await first;
    // A part in flight the whole time the third URL is fetched: overlapped, not waited on.
    const part = request(`${storeOrigin}/part-1`, { method: "PUT", body: Buffer.alloc(1024) }).then((a) => a.body.text());
    await store.arrived("part-1");
    const third = call("url-3");
    await api.arrived("url-3");
    api.release("url-3");
    await third;
    store.release("part-1");
    await part;
    const complete = call("complete", "POST");
    await api.arrived("complete");
    api.release("complete");
    await complete;

    const wait = meter.stop();
    expect(wait.roundTrips).toBe(3);
    expect(wait.seconds).toBeGreaterThan(0);
  });

  it("treats the request that carries the file as a body when told to", async () => {
    const api = gatedServer();
    const apiOrigin = await serve(api.handler);
    api.expect("medias");
    const meter = new ApiWaitMeter(apiOrigin, 0);
    const upload = request(`${apiOrigin}/medias`, { method: "POST", body: Buffer.alloc(1024) }).then((a) => a.body.text());
    await api.arrived("medias");
    api.release("medias");
    await upload;
    expect(meter.stop((span) => span.path === "/medias").roundTrips).toBe(0);
  });
});

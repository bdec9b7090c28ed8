import { type AddressInfo, createConnection, createServer, type Server, type Socket } from "node:net";

/** A TCP proxy on 127.0.0.1 that a test can cut (its upstream lost to the clients, the upstream itself untouched). */
export interface CuttableProxy {
  /** `redis://127.0.0.1:<port>`-style address of the proxy, with `scheme`. */
  url: string;
  port: number;
  /** Drops every connection and refuses new ones. */
  cut(): void;
  close(): Promise<void>;
}

/** Starts a proxy to 127.0.0.1:`port` (e.g. a redis-server whose data must survive its loss to the clients). */
export async function startCuttableProxy(port: number, scheme = "redis"): Promise<CuttableProxy> {
  const sockets = new Set<Socket>();
  let open = true;
  const server: Server = createServer((socket) => {
    if (!open) return void socket.destroy();
    const upstream = createConnection({ port, host: "127.0.0.1" });
    sockets.add(socket).add(upstream);
    socket.pipe(upstream).pipe(socket);
    socket.on("error", () => upstream.destroy());
    upstream.on("error", () => socket.destroy());
  });
  await new Promise<void>((resolve, reject) => server.once("error", reject).listen(0, "127.0.0.1", resolve));
  const own = (server.address() as AddressInfo).port;
  const cut = () => {
    open = false;
    for (const socket of sockets) socket.destroy();
  };
  return {
    url: `${scheme}://127.0.0.1:${own}`,
    port: own,
    cut,
    close: () =>
      new Promise((resolve) => {
        cut();
        server.close(() => resolve());
      }),
  };
}

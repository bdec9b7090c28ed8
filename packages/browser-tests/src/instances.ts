import { type ChildProcess, spawn } from "node:child_process";
import { createServer, request as httpRequest, type IncomingMessage, type Server } from "node:http";
import { join } from "node:path";
import { exitError, onFreePort, stopOnExit } from "@uploadkit/testkit";

/** One instance of the route app (`app/route-app.mjs`), a process of its own. */
export interface AppInstance {
  port: number;
  process: ChildProcess;
  /** SIGKILLs it: no goodbye, requests in flight cut. */
  kill(): void;
  stop(): Promise<void>;
}

/** Starts `route-app.mjs` from the packed app folder with `config` (plus its port and instance number). */
export function startInstance(app: string, instance: number, config: Record<string, unknown>): Promise<AppInstance> {
  // A free port can be taken by another test process before the app binds it: then the app exits, and we retry.
  return onFreePort((port) => launch(app, instance, config, port));
}

async function launch(app: string, instance: number, config: Record<string, unknown>, port: number): Promise<AppInstance> {
  const child = stopOnExit(
    spawn(process.execPath, [join(app, "route-app", "route-app.mjs")], {
      cwd: app,
      env: { ...process.env, ROUTE_APP_CONFIG: JSON.stringify({ ...config, port, instance }) },
      stdio: ["ignore", "pipe", "pipe"],
    }),
  );
  let output = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on("data", (chunk: Buffer) => {
      if (chunk.toString().includes("listening")) resolve();
    });
    child.once("exit", (code) => reject(exitError(`route app ${instance} exited with ${code}: ${output}`, output)));
  });
  const ended = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return {
    port,
    process: child,
    kill: () => child.kill("SIGKILL"),
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      await ended;
    },
  };
}

/** A balancer that sends each request to the next instance in turn (no stickiness), skipping one that refuses. */
export interface RoundRobin {
  origin: string;
  /** Which instance (index) served each request, in order. */
  served: { index: number; method: string; path: string }[];
  close(): Promise<void>;
}

export async function startRoundRobin(instances: AppInstance[]): Promise<RoundRobin> {
  let next = 0;
  const served: RoundRobin["served"] = [];
  const forward = (index: number, req: IncomingMessage, body: Buffer) =>
    new Promise<IncomingMessage>((resolve, reject) => {
      const target = instances[index] as AppInstance;
      const upstream = httpRequest(
        { host: "127.0.0.1", port: target.port, method: req.method, path: req.url, headers: req.headers },
        resolve,
      );
      upstream.once("error", reject);
      upstream.end(body);
    });
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    for (let tried = 0; tried < instances.length; tried++) {
      const index = next++ % instances.length;
      let answer: IncomingMessage;
      try {
        answer = await forward(index, req, body);
      } catch (error) {
        // Refused (the instance is gone): the next one takes it. Cut after sending: the client sees a 502.
        if ((error as NodeJS.ErrnoException).code === "ECONNREFUSED") continue;
        return void res.writeHead(502).end();
      }
      served.push({ index, method: req.method ?? "", path: req.url ?? "" });
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.on("error", () => res.destroy());
      answer.pipe(res);
      return;
    }
    res.writeHead(502).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    served,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

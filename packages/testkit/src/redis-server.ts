import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { createConnection } from "node:net";
import { stopOnExit } from "./child-processes.js";
import { freePort } from "./prism.js";

/** A `redis-server` of this test's own, on 127.0.0.1 and a port it picked, in memory only. */
export interface RedisServer {
  url: string;
  port: number;
  /** Stops it (SIGTERM, then SIGKILL), and waits for its end. */
  stop(): Promise<void>;
}

/** Where Debian's package puts it; `UPLOADKIT_REDIS_SERVER` names another. */
export function redisServerPath(): string | undefined {
  const candidates = [process.env.UPLOADKIT_REDIS_SERVER, "/usr/bin/redis-server", "redis-server"].filter(Boolean) as string[];
  for (const candidate of candidates) {
    if (spawnSync(candidate, ["--version"], { stdio: "ignore" }).status === 0) return candidate;
  }
  return undefined;
}

/** Starts redis-server (no persistence, loopback only) and resolves once it answers PING. */
export async function startRedisServer(): Promise<RedisServer> {
  const binary = redisServerPath();
  if (!binary) {
    throw new Error("redis-server is not installed: apt-get install -y --no-install-recommends redis-server (as root)");
  }
  const port = await freePort();
  const child = stopOnExit(
    spawn(binary, ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], {
      stdio: ["ignore", "ignore", "pipe"],
    }),
  );
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  for (let attempt = 0; ; attempt++) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}: ${stderr}`);
    if (await answersPing(port)) break;
    if (attempt > 200) {
      child.kill("SIGKILL");
      throw new Error(`redis-server did not answer on port ${port}: ${stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { url: `redis://127.0.0.1:${port}`, port, stop: () => stopChild(child) };
}

function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: "127.0.0.1", port });
    socket.once("error", () => resolve(false));
    socket.once("connect", () => socket.write("PING\r\n"));
    socket.once("data", (data) => {
      socket.destroy();
      resolve(data.toString().startsWith("+PONG"));
    });
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const ended = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
  await ended;
  clearTimeout(timer);
}

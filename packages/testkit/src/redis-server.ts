import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { createConnection } from "node:net";
import { stopOnExit } from "./child-processes.js";
import { exitError, onFreePort } from "./free-port.js";

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

/**
 * Starts redis-server (no persistence, loopback only) and resolves once it answers. A free port can be taken by another
 * test process before redis binds it: then redis exits, and it is started again on another port.
 */
export async function startRedisServer(): Promise<RedisServer> {
  const binary = redisServerPath();
  if (!binary) {
    throw new Error("redis-server is not installed: apt-get install -y --no-install-recommends redis-server (as root)");
  }
  return onFreePort((port) => launch(binary, port));
}

async function launch(binary: string, port: number): Promise<RedisServer> {
  const child = stopOnExit(
    spawn(binary, ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], {
      stdio: ["ignore", "pipe", "pipe"],
    }),
  );
  let output = "";
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
  };
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  for (let attempt = 0; ; attempt++) {
    if (child.exitCode !== null) throw exitError(`redis-server exited with ${child.exitCode}: ${output}`, output);
    // Only our own process counts: another test's redis may answer on a port we failed to bind.
    if ((await processIdAt(port)) === child.pid) break;
    if (attempt > 200) {
      await stopChild(child);
      throw new Error(`redis-server did not answer on port ${port}: ${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  child.stdout?.off("data", collect).resume();
  child.stderr?.off("data", collect).resume();
  return { url: `redis://127.0.0.1:${port}`, port, stop: () => stopChild(child) };
}

/** The process id the redis on `port` reports (INFO server), if one answers. */
function processIdAt(port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: "127.0.0.1", port });
    let answer = "";
    socket.once("error", () => resolve(undefined));
    socket.once("connect", () => socket.write("INFO server\r\n"));
    socket.on("data", (data: Buffer) => {
      answer += data.toString();
      const id = /process_id:(\d+)/.exec(answer)?.[1];
      if (id === undefined && answer.length < 64 * 1024 && !answer.startsWith("-")) return;
      socket.destroy();
      resolve(id === undefined ? undefined : Number(id));
    });
    socket.once("close", () => resolve(undefined));
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

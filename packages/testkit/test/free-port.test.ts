import { spawnSync } from "node:child_process";
import { createServer, type Server } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { exitError, freePort, onFreePort, PortTakenError } from "../src/free-port.js";
import { redisServerPath } from "../src/redis-server.js";

const taken: Server[] = [];
afterEach(async () => {
  await Promise.all(taken.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

/** A port this test holds, as another test process would hold the port a launch was given. */
async function holdPort(): Promise<number> {
  const server = createServer();
  taken.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return (server.address() as { port: number }).port;
}

describe("onFreePort", () => {
  it("launches again on another port while the port given was taken, and stops after five tries", async () => {
    const ports: number[] = [];
    const port = await onFreePort(async (given) => {
      ports.push(given);
      if (ports.length < 3) throw new PortTakenError(`port ${given} taken`);
      return given;
    });
    expect(ports).toHaveLength(3);
    expect(port).toBe(ports[2]);

    let tries = 0;
    const error = await onFreePort(async (given) => {
      tries++;
      throw new PortTakenError(`port ${given} taken`);
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PortTakenError);
    expect(tries).toBe(5);
  });

  it("does not launch again when a launch fails for another reason", async () => {
    let tries = 0;
    const error = await onFreePort(async () => {
      tries++;
      throw new Error("the binary is missing");
    }).catch((e: unknown) => e);
    expect((error as Error).message).toBe("the binary is missing");
    expect(error).not.toBeInstanceOf(PortTakenError);
    expect(tries).toBe(1);
  });
});

describe("exitError", () => {
  it("reads a taken port in what Node, workerd and redis-server print, and only there", () => {
    expect(exitError("m", "Error: listen EADDRINUSE: address already in use 127.0.0.1:4010")).toBeInstanceOf(PortTakenError);
    expect(exitError("m", 'Socket "http": bind(): Address already in use (os error 98)')).toBeInstanceOf(PortTakenError);
    const other = exitError("Prism exited (1)", "Error: ENOENT: no such file, open 'openapi.yaml'");
    expect(other).not.toBeInstanceOf(PortTakenError);
    expect(other.message).toBe("Prism exited (1)");
  });

  it.skipIf(!redisServerPath())("knows a real redis-server's words for a port another process holds", async () => {
    const port = await holdPort();
    const run = spawnSync(redisServerPath() as string, ["--port", String(port), "--bind", "127.0.0.1", "--save", ""], {
      encoding: "utf8",
      timeout: 30_000,
    });
    expect(run.status).not.toBe(0);
    expect(exitError("redis-server exited", `${run.stdout}${run.stderr}`)).toBeInstanceOf(PortTakenError);
  });

  it("knows Node's own words for a port another process holds", async () => {
    const port = await holdPort();
    const run = spawnSync(process.execPath, ["-e", `require("node:http").createServer().listen(${port}, "127.0.0.1")`], {
      encoding: "utf8",
      timeout: 30_000,
    });
    expect(run.status).not.toBe(0);
    expect(exitError("node exited", run.stderr)).toBeInstanceOf(PortTakenError);
    expect(await freePort()).not.toBe(port);
  });
});

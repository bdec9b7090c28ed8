import { createServer } from "node:net";

/** A TCP port free on 127.0.0.1 now (for a server a test starts as another process). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

/** What a launch throws when the port it was given had been taken by the time it bound it. */
export class PortTakenError extends Error {}

/** The error a launched server's early exit stands for: a PortTakenError when its output says its port was taken. */
export function exitError(message: string, output: string): Error {
  return /EADDRINUSE|address already in use/i.test(output) ? new PortTakenError(message) : new Error(message);
}

/**
 * Runs `launch` on a free port. Another test process can take that port before the server binds it: `launch` then
 * throws a {@link PortTakenError}, and runs again on another port (five tries in all).
 */
export async function onFreePort<T>(launch: (port: number) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await launch(await freePort());
    } catch (error) {
      if (attempt >= 5 || !(error instanceof PortTakenError)) throw error;
    }
  }
}

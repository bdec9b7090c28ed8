// What the stores-and-servers suites share: one sandbox per file (OFAuth in 16 KiB parts), clients with fast retries,
// and helpers for servers that misbehave on purpose.
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { type Sandbox, scratchDir, startSandbox } from "@uploadkit/sandbox";
import { afterAll, beforeAll } from "vitest";
import { secretSandboxOptions } from "./clients.js";
import { mp4Writer } from "./fixtures.js";
import { type ProxyOptions, record360ViaStore } from "./proxy.js";
import { sandboxHelpers } from "./sandbox-helpers.js";

export { COMMON, FAST, md5, sha256 } from "./sandbox-helpers.js";

export const KiB = 1024;
export const dir = scratchDir("stores-and-servers", { onSignal: true });

export let sandbox: Sandbox;
export const mp4 = mp4Writer(dir);
export const { client, storedSha, completes } = sandboxHelpers(() => sandbox);

/** Record360's API through a proxy whose presigned part URLs point at `storeOrigin` (a store that misbehaves). */
export const viaStore = <T>(storeOrigin: string, use: (apiOrigin: string) => Promise<T>): Promise<T> =>
  record360ViaStore(sandbox, storeOrigin).run(use);

/** The store, through a proxy that answers some part PUTs itself. */
export const store = (intercept: ProxyOptions["intercept"]) => ({
  target: `http://${new URL(sandbox.store.gatewayOrigin).host}`,
  intercept,
});

export async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}
export async function close(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

beforeAll(async () => {
  const options = secretSandboxOptions();
  // OFAuth plans parts of what its API says: 16 KiB parts let 200 small files have six parts each.
  sandbox = await startSandbox({ ...options, ofauth: { ...options.ofauth, partSize: 16 * KiB } });
});
afterAll(async () => {
  await sandbox?.stop();
});

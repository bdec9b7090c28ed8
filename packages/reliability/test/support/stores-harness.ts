// What the stores-and-servers suites share: one sandbox per file (OFAuth in 16 KiB parts), clients with fast retries,
// and helpers for servers that misbehave on purpose.
import { createHash } from "node:crypto";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { type Sandbox, scratchDir, startSandbox } from "@uploadkit/sandbox";
import { afterAll, beforeAll } from "vitest";
import { commonClient, type Provider, secretSandboxOptions } from "./clients.js";
import { completeCalls, mp4Writer } from "./fixtures.js";
import { type ProxyOptions, record360ViaStore } from "./proxy.js";

export const KiB = 1024;
export const FAST = { retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5 }, timeoutMs: 2000, stallTimeoutMs: 2000 };
export const COMMON = { filename: "clip.mp4", contentType: "video/mp4" };
export const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");
export const md5 = (bytes: Uint8Array) => createHash("md5").update(bytes).digest("hex");
export const dir = scratchDir("stores-and-servers", { onSignal: true });

export let sandbox: Sandbox;
export const mp4 = mp4Writer(dir);
export const client = (provider: Provider, transport = {}, baseUrl?: string) =>
  commonClient(provider, sandbox, { ...FAST, ...transport }, baseUrl);
export const storedSha = (provider: Provider, id: string) => sandbox.objectSha256(sandbox[provider].keyOf(id) as string);
export const completes = (provider: Provider) => completeCalls(sandbox, provider);

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

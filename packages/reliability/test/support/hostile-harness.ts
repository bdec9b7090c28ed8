// What the hostile suites share: one sandbox per file, clients with fast retries, proxies that misbehave on purpose,
// and the count of cases per class (printed as a table after each file).
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { type Sandbox, scratchDir, startSandbox } from "@uploadkit/sandbox";
import { afterAll, beforeAll } from "vitest";
import { type Provider, secretSandboxOptions } from "./clients.js";
import { mp4Writer } from "./fixtures.js";
import { type ProxyOptions, apiProxy as sharedApiProxy, record360ViaStore as sharedRecord360ViaStore } from "./proxy.js";
import { sandboxHelpers } from "./sandbox-helpers.js";

export { abortedAfterFirstPart, COMMON, FAST, md5, sha256 } from "./sandbox-helpers.js";

export const MiB = 1024 * 1024;
export const PLAN: Record<Provider, Record<string, unknown>> = {
  fanvue: { partSize: 5 * MiB },
  ofauth: {},
  record360: { partCount: 2 },
  flowkiwi: {},
};
export const dir = scratchDir("hostile", { onSignal: true });
export const counts = new Map<string, number>();
export const count = (klass: string) => counts.set(klass, (counts.get(klass) ?? 0) + 1);

export let sandbox: Sandbox;
export const mp4 = mp4Writer(dir);
export const { client, storedSha, completes } = sandboxHelpers(() => sandbox);
export const requestsTo = (provider: Provider) => sandbox.requests.filter((r) => r.server === provider).length;

export const apiProxy = (provider: Provider, options: Omit<ProxyOptions, "target"> = {}) =>
  sharedApiProxy(sandbox, provider, options);
export const record360ViaStore = (storeOrigin: string) => sharedRecord360ViaStore(sandbox, storeOrigin);

/** A server that records what reaches it and answers 200 {}. */
export async function recorder() {
  const seen: IncomingMessage[] = [];
  const server = createServer((req, res) => {
    seen.push(req);
    req.resume();
    res.writeHead(200, { "content-type": "application/json" }).end("{}");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

beforeAll(async () => {
  sandbox = await startSandbox({ ...secretSandboxOptions(), fanvue: { ...secretSandboxOptions().fanvue, processingMs: 0 } });
});
afterAll(async () => {
  await sandbox?.stop();
  const rows = [...counts.entries()].map(([klass, total]) => `| ${klass} | ${total} |`);
  console.log(["", "| hostile class | cases |", "|---|---|", ...rows].join("\n"));
});

import { afterAll, afterEach } from "vitest";
import { type Part, planParts } from "../../src/core/plan-parts.js";
import type { UploadSource } from "../../src/core/sources/upload-source.js";
import { type UploadPartsOptions, uploadParts } from "../../src/core/upload/upload-parts.js";
import { scratchDir } from "./files.js";
import { type Fault, type PartRequest, type PartServer, startPartServer } from "./part-server.js";

// What the uploadParts tests share: a scratch directory, one part server per test (closed after it), and `upload`.

export const KiB = 1024;
export const { dir } = (() => {
  const scratch = scratchDir();
  afterAll(scratch.cleanup);
  return scratch;
})();

/** The part server of the running test (a live binding: read it after `upload` or `startServer`). */
export let server: PartServer;
afterEach(() => server?.close());

/** Starts the running test's part server. */
export async function startServer(options?: Parameters<typeof startPartServer>[0]): Promise<PartServer> {
  server = await startPartServer(options);
  return server;
}

/** Fast retries for tests; the policy is the same, only the delays are small. */
export const FAST_RETRY = { maxAttempts: 4, baseDelayMs: 5, maxDelayMs: 20, maxRetryAfterMs: 200 };

export function plan(size: number, partSize: number): Part[] {
  return planParts(size, { minPartSize: 1, maxPartSize: partSize, maxParts: 10_000, partSize });
}

/** `uploadParts` of `parts` to a new part server that injects `fault`. */
export async function upload(
  source: UploadSource,
  parts: Part[],
  overrides: Partial<UploadPartsOptions> = {},
  fault?: (request: PartRequest) => Fault | undefined,
) {
  await startServer({ fault });
  return uploadParts({
    source,
    parts,
    target: (part) => ({ url: server.url(part.partNumber) }),
    retry: FAST_RETRY,
    ...overrides,
  });
}

// Fault injection (20 % of calls fail), abort and crash, then the file's credential-leak audit. Bad inputs are in
// bad-inputs.test.ts.
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createFanvueClient } from "@uploadkit/fanvue";
import { AbortError, UploadkitError } from "@uploadkit/multipart";
import type { Sandbox } from "@uploadkit/sandbox";
import { Agent, type Dispatcher } from "undici";
import { beforeAll, describe, expect, it } from "vitest";
import { PROVIDERS, uploader } from "./support/clients.js";
import {
  audit,
  describeLeakAudit,
  dir,
  file,
  logRetry,
  MAX_SIZE,
  MiB,
  perProvider,
  recentRequests,
  sandboxFor,
  sha256,
  storedSha,
  TRANSPORT,
  totals,
} from "./support/reliability-harness.js";
import { seededSizes } from "./support/seeded.js";

/** How many 429s a call waits out without using up an attempt (`rateLimit.maxRefusals`' default). */
const DEFAULT_MAX_REFUSALS = 10;

describe("fault injection: 20% of part PUTs and API calls fail", () => {
  for (const [index, provider] of PROVIDERS.entries()) {
    it(`${provider}: 20 files of seeded random sizes all arrive byte-identical`, async () => {
      const sandbox = await sandboxFor({ providers: [provider], chaos: { rate: 0.2, seed: 1000 + index, retryAfterSeconds: 0 } });
      let retries = 0;
      const upload = uploader(provider, sandbox, {
        ...TRANSPORT,
        onRetry: (event) => {
          retries++;
          logRetry(event);
        },
      });
      let completed = 0;
      const sizes = seededSizes(2026 + index, 20, MAX_SIZE);
      for (const [n, size] of sizes.entries()) {
        const { path, bytes } = file(`${provider}-${n}.mp4`, size);
        // A deadline turns a hang into a failure that shows what the sandbox last saw.
        const deadline = AbortSignal.timeout(60_000);
        const id = await upload(path, { partSize: provider === "fanvue" ? 5 * MiB : undefined, signal: deadline }).catch(
          (error: unknown) => {
            if (deadline.aborted)
              throw new Error(`${provider} file ${n} (${size} bytes) did not finish in 60 s:\n${recentRequests(sandbox)}`);
            throw audit.error(error);
          },
        );
        const stored = await Promise.race([
          storedSha(sandbox, provider, id),
          new Promise<never>((_, reject) =>
            setTimeout(
              () => reject(new Error(`reading ${provider} file ${n} back from the store took over 60 s`)),
              60_000,
            ).unref(),
          ),
        ]);
        expect(stored, `${provider} file ${n} (${size} bytes)`).toBe(sha256(bytes));
        completed++;
      }
      const faults = sandbox.chaos.total;
      perProvider.push({ provider, files: sizes.length, faults, retries, completed });
      totals.faults += faults;
      totals.completed += completed;
      expect(faults).toBeGreaterThan(0);
      expect(retries).toBeGreaterThan(0);
    });
  }

  it("with every call failing, each provider gives up with a typed error after its bounded attempts", async () => {
    for (const provider of PROVIDERS) {
      const sandbox = await sandboxFor({ providers: [provider], chaos: { rate: 1, retryAfterSeconds: 0 } });
      const upload = uploader(provider, sandbox, {
        ...TRANSPORT,
        retry: { ...TRANSPORT.retry, maxAttempts: 3 },
        onRetry: logRetry,
      });
      const { path } = file(`${provider}-doomed.mp4`, 6 * MiB);
      const error = audit.error(await upload(path).catch((e: unknown) => e));
      expect(error, provider).toBeInstanceOf(UploadkitError);
      // The first call fails for good: its 3 attempts, plus the 429s that wait their turn without using one up.
      const sent = sandbox.requests.map((r) => `${r.method} ${r.url.split("?")[0]}`);
      expect(new Set(sent).size, `${provider}: ${sent.join(", ")}`).toBe(1);
      expect(sent.length, `${provider}: ${sent.join(", ")}`).toBeLessThanOrEqual(3 + DEFAULT_MAX_REFUSALS);
      totals.faults += sandbox.chaos.total;
    }
  });
});

describe("abort and crash", () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await sandboxFor({ providers: ["fanvue", "record360"] });
  });
  const fanvueClient = (fetchImpl?: typeof fetch, dispatcher?: Dispatcher) =>
    createFanvueClient({
      ...TRANSPORT,
      token: sandbox.fanvue.credentials.token,
      baseUrl: sandbox.fanvue.baseUrl,
      fetch: fetchImpl,
      dispatcher,
    });
  const storePuts = () => sandbox.requests.filter((r) => r.server === "store" && r.method === "PUT").length;

  it("before create: AbortError, no request at all", async () => {
    const before = sandbox.requests.length;
    const error = audit.error(
      await fanvueClient()
        .uploadMedia(Buffer.from("x"), { filename: "x.jpg", signal: AbortSignal.abort() })
        .catch((e: unknown) => e),
    );
    expect((error as Error).name).toBe("AbortError");
    expect(sandbox.requests.length).toBe(before);
    totals.aborts++;
  });

  it("mid-parts: nothing starts after the abort, the checkpoint is consistent, a rerun resumes and verifies", async () => {
    const { path, bytes } = file("abort-mid.mp4", 31 * MiB);
    const checkpoint = join(dir, "abort-mid.json");
    const controller = new AbortController();
    // Every request uploadkit starts, seen as it is dispatched: nothing may start once the signal is aborted.
    const startedBeforeAbort: string[] = [];
    const startedAfterAbort: string[] = [];
    const dispatcher = new Agent().compose((dispatch) => (options, handler) => {
      (controller.signal.aborted ? startedAfterAbort : startedBeforeAbort).push(`${options.method} ${options.path}`);
      return dispatch(options, handler);
    });
    const received = sandbox.requests.length;
    const error = audit.error(
      await fanvueClient(undefined, dispatcher)
        .uploadMedia(path, {
          checkpoint,
          partSize: 5 * MiB,
          concurrency: 2,
          signal: controller.signal,
          onProgress: (p) => {
            if (p.partsDone >= 2) controller.abort();
          },
        })
        .catch((e: unknown) => e),
    );
    expect(error).toBeInstanceOf(AbortError);
    await dispatcher.close();
    expect(startedBeforeAbort.filter((request) => request.startsWith("PUT ")).length).toBeGreaterThanOrEqual(2);
    expect(startedAfterAbort).toEqual([]);
    // What reached the sandbox is what was started before the abort: none of it came later, from anywhere else.
    expect(sandbox.requests.length - received).toBeLessThanOrEqual(startedBeforeAbort.length);
    expect(sandbox.requests.some((r) => r.method === "PATCH")).toBe(false);
    const saved = JSON.parse(readFileSync(checkpoint, "utf8")) as { parts: { partNumber: number; etag: string }[] };
    expect(saved.parts.length).toBeGreaterThanOrEqual(2);
    expect(saved.parts.every((p) => p.etag.length > 0)).toBe(true);
    const before = storePuts();
    const id = (await fanvueClient().uploadMedia(path, { checkpoint, partSize: 5 * MiB })).mediaUuid;
    expect(storePuts() - before).toBe(7 - saved.parts.length);
    expect(await storedSha(sandbox, "fanvue", id)).toBe(sha256(bytes));
    totals.aborts++;
    totals.resumes++;
  });

  it("during complete: no complete call follows the abort, a rerun completes the same upload", async () => {
    const { path, bytes } = file("abort-complete.mp4", 6 * MiB);
    const checkpoint = join(dir, "abort-complete.json");
    const controller = new AbortController();
    const abortOnComplete: typeof fetch = (input, init) => {
      const request = new Request(input as Request, init);
      if (request.method === "PATCH") controller.abort();
      return fetch(request, { signal: controller.signal });
    };
    const error = audit.error(
      await fanvueClient(abortOnComplete)
        .uploadMedia(path, { checkpoint, signal: controller.signal })
        .catch((e: unknown) => e),
    );
    expect((error as Error).name).toBe("AbortError");
    const patches = () => sandbox.requests.filter((r) => r.server === "fanvue" && r.method === "PATCH").length;
    const patchesBefore = patches();
    const saved = JSON.parse(readFileSync(checkpoint, "utf8")) as { session: { uploadId: string }; parts: unknown[] };
    expect(saved.parts).toHaveLength(1);
    const result = await fanvueClient().uploadMedia(path, { checkpoint });
    expect(result.uploadId).toBe(saved.session.uploadId);
    expect(patches() - patchesBefore).toBe(1);
    expect(await storedSha(sandbox, "fanvue", result.mediaUuid)).toBe(sha256(bytes));
    totals.aborts++;
    totals.resumes++;
  });

  it("SIGKILL mid-upload: the rerun completes, verifies and re-sends only unfinished parts", async () => {
    const { path, bytes } = file("crash.mp4", 60 * MiB);
    const checkpoint = join(dir, "crash.json");
    const script = fileURLToPath(new URL("./support/child-upload.mjs", import.meta.url));
    const child = spawn(process.execPath, [script, path, checkpoint, sandbox.fanvue.baseUrl, sandbox.fanvue.credentials.token], {
      stdio: "pipe",
    });
    const exited = new Promise((resolve) => child.on("exit", resolve));
    while (!existsSync(checkpoint) || (JSON.parse(readFileSync(checkpoint, "utf8")) as { parts: unknown[] }).parts.length < 3) {
      if (child.exitCode !== null) throw new Error("the child finished before it could be killed");
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    child.kill("SIGKILL");
    await exited;
    const saved = JSON.parse(readFileSync(checkpoint, "utf8")) as { parts: unknown[] };
    const before = storePuts();
    const result = await fanvueClient().uploadMedia(path, { checkpoint, partSize: 5 * MiB });
    expect(storePuts() - before).toBe(12 - saved.parts.length);
    expect(await storedSha(sandbox, "fanvue", result.mediaUuid)).toBe(sha256(bytes));
    totals.resumes++;
  });
});

describeLeakAudit(5);

// One table of the options every provider's uploadMedia takes, driven through all four providers against the
// sandbox: the same option must behave the same way everywhere, or be refused with an InputError before any call.
import { randomBytes } from "node:crypto";
import { existsSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { AbortError, InputError, type TransportEvent, UploadkitError, type UploadProgress } from "@uploadkit/multipart";
import { type Sandbox, scratchDir, startSandbox } from "@uploadkit/sandbox";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commonClient, PROVIDERS, type Provider } from "./support/clients.js";
import { MP4_HEAD } from "./support/fixtures.js";
import { startProxy } from "./support/proxy.js";
import { abortedAfterFirstPart, COMMON, sha256 } from "./support/sandbox-helpers.js";

const MiB = 1024 * 1024;
const SIZE = 12 * MiB;
const FAST = { retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5 } };
const dir = scratchDir("common", { onSignal: true });

/** What differs per provider: the options it needs for a 12 MiB MP4 in several parts, and the options it refuses. */
const TABLE: Record<Provider, { options: Record<string, unknown>; refuses: Record<string, unknown> }> = {
  fanvue: { options: { partSize: 5 * MiB }, refuses: {} },
  ofauth: { options: {}, refuses: { partSize: 5 * MiB, partCount: 3 } },
  record360: { options: { partCount: 2 }, refuses: {} },
  flowkiwi: { options: {}, refuses: { checkpoint: join(dir, "never.json"), partSize: 5 * MiB, partCount: 3 } },
};

let sandbox: Sandbox;
let bytes: Buffer;
let path: string;
beforeAll(async () => {
  sandbox = await startSandbox({ fanvue: { processingMs: 0 } });
  // An MP4 box first, so every provider sees a video whatever the random bytes after it are.
  bytes = Buffer.concat([MP4_HEAD, randomBytes(SIZE - MP4_HEAD.length)]);
  path = join(dir, "clip.mp4");
  writeFileSync(path, bytes);
});
afterAll(async () => {
  await sandbox?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const storedSha = (provider: Provider, id: string) => sandbox.objectSha256(sandbox[provider].keyOf(id) as string);
const requestsTo = (provider: Provider) => sandbox.requests.filter((request) => request.server === provider).length;

describe.each(PROVIDERS)("%s: the common options", (provider) => {
  const row = TABLE[provider];
  const client = (transport = {}, baseUrl?: string) => commonClient(provider, sandbox, { ...FAST, ...transport }, baseUrl);

  it("uploads with progress and answers with the common core", async () => {
    const events: UploadProgress[] = [];
    const result = await client().uploadMedia(path, {
      ...COMMON,
      ...row.options,
      onProgress: (p: UploadProgress) => events.push(p),
    });
    expect(result).toMatchObject({ id: expect.any(String), provider, size: SIZE, contentType: "video/mp4" });
    expect(await storedSha(provider, result.id)).toBe(sha256(bytes));
    expect(events.at(-1)).toMatchObject({ loaded: SIZE, total: SIZE });
    expect(events.at(-1)?.partsDone).toBe(events.at(-1)?.partsTotal);
    // Reported on the way, not only at the ends: at least every 1% of the bytes.
    expect(events.filter((e) => e.loaded > 0 && e.loaded < SIZE).length).toBeGreaterThanOrEqual(10);
  });

  it("aborts through signal with an AbortError", async () => {
    const controller = new AbortController();
    const error = await client()
      .uploadMedia(path, {
        ...COMMON,
        ...row.options,
        signal: controller.signal,
        onProgress: (p: UploadProgress) => p.loaded > 0 && controller.abort(new Error("user stop")),
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AbortError);
  });

  it("reports retries to the upload's onRetry and the client's", async () => {
    const perUpload: TransportEvent[] = [];
    const perClient: TransportEvent[] = [];
    let origin = "";
    const proxy = await startProxy({
      target: sandbox[provider].baseUrl,
      intercept: (_req, count) => (count === 1 ? { status: 503, headers: { "retry-after": "0" } } : undefined),
      // API-origin part URLs (OFAuth's) must name the origin the client talks to.
      rewriteJson: (_path, body) => JSON.parse(JSON.stringify(body).replaceAll(sandbox[provider].baseUrl, origin)),
    });
    origin = proxy.origin;
    try {
      const result = await client({ onRetry: (e: TransportEvent) => perClient.push(e) }, proxy.origin).uploadMedia(path, {
        ...COMMON,
        ...row.options,
        onRetry: (e: TransportEvent) => perUpload.push(e),
      });
      expect(await storedSha(provider, result.id)).toBe(sha256(bytes));
    } finally {
      await proxy.close();
    }
    expect(perUpload).toHaveLength(1);
    expect(perUpload[0]).toMatchObject({ attempt: 1, reason: expect.stringContaining("503") });
    expect(perClient).toEqual(perUpload);
  });

  it("gives up on an API that never answers within timeoutMs / stallTimeoutMs", async () => {
    let seen = 0;
    const proxy = await startProxy({
      target: sandbox[provider].baseUrl,
      intercept: () => {
        seen++;
        return "hang";
      },
    });
    try {
      const error = await client({ timeoutMs: 300, stallTimeoutMs: 300, retry: { maxAttempts: 2, baseDelayMs: 1 } }, proxy.origin)
        .uploadMedia(path, { ...COMMON, ...row.options })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UploadkitError);
      expect(error).toMatchObject({ code: "API_TIMEOUT" });
      expect(seen).toBeGreaterThanOrEqual(1);
      expect(seen).toBeLessThanOrEqual(2);
    } finally {
      await proxy.close();
    }
  });

  it("resumes from a checkpoint, or refuses one before any call", async () => {
    const checkpoint = join(dir, `${provider}.checkpoint.json`);
    if ("checkpoint" in row.refuses) {
      const before = requestsTo(provider);
      const error = await client()
        .uploadMedia(path, { ...COMMON, checkpoint })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InputError);
      expect(requestsTo(provider)).toBe(before);
      return;
    }
    const first = await abortedAfterFirstPart((stop) =>
      client().uploadMedia(path, { ...COMMON, ...row.options, checkpoint, ...stop }),
    );
    expect(first).toBeInstanceOf(AbortError);
    expect(existsSync(checkpoint)).toBe(true);
    const events: UploadProgress[] = [];
    const result = await client().uploadMedia(path, {
      ...COMMON,
      ...row.options,
      checkpoint,
      onProgress: (p: UploadProgress) => events.push(p),
    });
    expect(events[0]?.partsDone).toBeGreaterThanOrEqual(1);
    expect(await storedSha(provider, result.id)).toBe(sha256(bytes));
    expect(existsSync(checkpoint)).toBe(false);
  });

  it("uploadMany: several files at once, each outcome in input order, one bad file failing alone", async () => {
    const files = [0, 1, 2].map((i) => {
      const bytes = Buffer.concat([
        Buffer.from("0000001c667479706d703432000000006d703432697336366d703431", "hex"),
        randomBytes(3 * MiB),
      ]);
      const path = join(dir, `${provider}-many-${i}.mp4`);
      writeFileSync(path, bytes);
      return { path, bytes };
    });
    const finished: number[] = [];
    const outcomes = await client().uploadMany(
      [...files.map((f) => ({ input: f.path, options: COMMON })), { input: join(dir, "missing.mp4"), options: COMMON }],
      { filesConcurrency: 2, concurrency: 2, onFileDone: (o: { index: number }) => finished.push(o.index) },
    );
    expect(outcomes.map((o) => o.index)).toEqual([0, 1, 2, 3]);
    for (const [i, file] of files.entries()) {
      const outcome = outcomes[i];
      expect(outcome?.ok).toBe(true);
      if (outcome?.ok) expect(await storedSha(provider, outcome.result.id)).toBe(sha256(file.bytes));
    }
    expect(outcomes[3]).toMatchObject({ ok: false, error: expect.any(InputError) });
    expect(new Set(finished)).toEqual(new Set([0, 1, 2, 3]));
  });

  it("refuses options it cannot honour, and bad numbers, before any call", async () => {
    const before = requestsTo(provider);
    const refused = { ...row.refuses, concurrency: Number.NaN };
    for (const [option, value] of [
      ...Object.entries(refused),
      ["concurrency", 0],
      ["concurrency", 1.5],
      ["contentType", "video/mp4\r\nX: y"],
      ["checkpoint", 5],
      ["checkpoint", ""],
      ["checkpoint", { load: async () => undefined }],
    ]) {
      const error = await client()
        .uploadMedia(path, { ...COMMON, [option as string]: value })
        .catch((e: unknown) => e);
      expect(error, `${provider} ${String(option)}=${String(value)}`).toBeInstanceOf(InputError);
      expect((error as Error).message).toContain(String(option));
    }
    expect(requestsTo(provider)).toBe(before);
  });
});

describe("transport options a client cannot use", () => {
  it.each(PROVIDERS)("%s: refused when the client is made, naming the option, before any call", (provider) => {
    const before = requestsTo(provider);
    for (const [options, named] of [
      [{ retry: 5 }, /^retry must be an object, got 5\.$/],
      [{ retry: { attempts: 3 } }, /^retry: unknown option attempts; the options are maxAttempts, /],
      [{ fetch: "fetch" }, /^fetch must be a function/],
      [{ userAgent: "my-app\r\nX-Injected: 1" }, /^userAgent cannot be sent as a header: it has a line break\.$/],
      [{ maxResponseBytes: 0 }, /^maxResponseBytes must be a whole number ≥ 1, got 0\.$/],
    ] as const) {
      let error: unknown;
      try {
        commonClient(provider, sandbox, options as never);
      } catch (caught) {
        error = caught;
      }
      expect(error, `${provider} ${JSON.stringify(options)}`).toBeInstanceOf(InputError);
      expect((error as Error).message).toMatch(named);
    }
    expect(requestsTo(provider)).toBe(before);
  });
});

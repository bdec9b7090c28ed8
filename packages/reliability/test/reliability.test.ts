import { spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { appendFileSync, existsSync, readFileSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Readable } from "node:stream";
import { fileURLToPath, pathToFileURL } from "node:url";
import { createFanvueClient } from "@uploadkit/fanvue";
import { createFlowkiwiClient } from "@uploadkit/flowkiwi";
import {
  AbortError,
  ApiError,
  type ApiRetryEvent,
  InputError,
  PartUploadError,
  type RetryEvent,
  SourceChangedError,
  UploadkitError,
} from "@uploadkit/multipart";
import { createOfauthClient } from "@uploadkit/ofauth";
import { createRecord360Client } from "@uploadkit/record360";
import { type Sandbox, scratchDir, startSandbox } from "@uploadkit/sandbox";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LeakAudit } from "./support/audit.js";
import { PROVIDERS, type Provider, secretSandboxOptions, secretsOf, uploader } from "./support/clients.js";
import { type startProxy, withProxy } from "./support/proxy.js";
import { seededSizes } from "./support/seeded.js";

const MiB = 1024 * 1024;
const FULL = process.env.UPLOADKIT_RELIABILITY_FULL === "1";
const MAX_SIZE = FULL ? 40 * MiB : 12 * MiB;
const dir = scratchDir("reliability", { onSignal: true });
const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");
const audit = new LeakAudit();
const totals = { cases: 0, faults: 0, retries: 0, completed: 0, aborts: 0, resumes: 0, requests: 0, leaks: 0 };
const perProvider: { provider: string; files: number; faults: number; retries: number; completed: number }[] = [];
const sandboxes: Sandbox[] = [];
const audited: { sandbox: Sandbox; secrets: Record<string, string[]> }[] = [];

/** Bounded, fast retries: the policy is the default one, the delays are short. */
const TRANSPORT = {
  retry: { maxAttempts: 8, baseDelayMs: 5, maxDelayMs: 50, maxRetryAfterMs: 50 },
  // Generous enough for a busy 2-core machine (an API call or part slowed by load must not count as a fault); an
  // injected stall still ends each attempt within seconds.
  timeoutMs: 4000,
  stallTimeoutMs: 2000,
};

async function sandboxFor(options: Parameters<typeof startSandbox>[0] = {}): Promise<Sandbox> {
  const sandbox = await startSandbox({ ...secretSandboxOptions(), ...options });
  sandboxes.push(sandbox);
  audited.push({ sandbox, secrets: secretsOf(sandbox) });
  return sandbox;
}

/** Random bytes; an `.mp4` starts with an MP4 header, so sniffing never reads the random bytes as another format. */
function file(name: string, size: number) {
  const bytes = randomBytes(size);
  if (name.endsWith(".mp4") && size >= MP4_HEAD.length) MP4_HEAD.copy(bytes);
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return { path, bytes };
}

const MP4_HEAD = Buffer.from("0000001c667479706d703432000000006d703432697336366d703431", "hex");

const recentRequests = (sandbox: Sandbox) =>
  `${JSON.stringify(sandbox.chaos.injected)}\n${sandbox.requests
    .slice(-15)
    .map((r) => `${new Date(r.at).toISOString()} ${r.server} ${r.method} ${r.url.split("?")[0]} → ${r.status ?? "no answer yet"}`)
    .join("\n")}`;
const storedSha = (sandbox: Sandbox, provider: Provider, id: string) =>
  sandbox.objectSha256(sandbox[provider].keyOf(id) as string);
const logRetry = (event: RetryEvent | ApiRetryEvent) => {
  totals.retries++;
  audit.line(`retry ${JSON.stringify(event)}`);
};

afterAll(async () => {
  for (const sandbox of sandboxes) await sandbox.stop();
  rmSync(dir, { recursive: true, force: true });
});

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
      const started = Date.now();
      const error = audit.error(await upload(path).catch((e: unknown) => e));
      expect(error, provider).toBeInstanceOf(UploadkitError);
      expect(Date.now() - started, `${provider} gave up in bounded time`).toBeLessThan(30_000);
      totals.faults += sandbox.chaos.total;
    }
  });
});

interface BadInputCase {
  name: string;
  provider: Provider;
  run: (sandbox: Sandbox) => Promise<unknown>;
  /** The error class expected, or null when the call must succeed despite the input. */
  error: (abstract new (...args: never[]) => Error) | null;
  message?: RegExp;
  /** Calls to these paths must not have happened (create/complete on client-side rejection). */
  noCall?: RegExp;
}

describe("bad inputs (table-driven)", () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await sandboxFor();
  });
  const up = (provider: Provider, transport = {}) => uploader(provider, sandbox, { ...TRANSPORT, ...transport });
  const fanvue = (overrides: Record<string, unknown> = {}) =>
    createFanvueClient({ ...TRANSPORT, token: sandbox.fanvue.credentials.token, baseUrl: sandbox.fanvue.baseUrl, ...overrides });
  const record360 = (overrides: Record<string, unknown> = {}) =>
    createRecord360Client({
      ...TRANSPORT,
      token: sandbox.record360.credentials.token,
      baseUrl: sandbox.record360.baseUrl,
      ...overrides,
    });
  const ofauth = (overrides: Record<string, unknown> = {}) =>
    createOfauthClient({ ...TRANSPORT, ...sandbox.ofauth.credentials, baseUrl: sandbox.ofauth.baseUrl, ...overrides });
  const flowkiwi = (overrides: Record<string, unknown> = {}) =>
    createFlowkiwiClient({ ...TRANSPORT, ...sandbox.flowkiwi.credentials, baseUrl: sandbox.flowkiwi.baseUrl, ...overrides });
  const CREATE_OR_COMPLETE =
    /\/media\/uploads$|\/media\/uploads\/[^/]+$|\/uploads\/init$|\/uploads\/complete$|multipart_upload_(start|complete)|\/rest\/api\/medias$/;
  const COMPLETE = /PATCH \/media\/uploads\/|\/uploads\/complete$|multipart_upload_complete/;

  /** Record360 with its presigned part URLs pointed at a misbehaving proxy in front of the store. */
  const throughStoreProxy = (storeProxy: Parameters<typeof startProxy>[0], name: string) =>
    withProxy(storeProxy, (storeOrigin) =>
      withProxy(
        {
          target: sandbox.record360.baseUrl,
          rewriteJson: (path, body) =>
            path.includes("multipart_upload_start")
              ? {
                  ...body,
                  presigned_urls: (body.presigned_urls as string[]).map((u) =>
                    u.replace(sandbox.store.gatewayOrigin, storeOrigin),
                  ),
                }
              : body,
        },
        (origin) => record360({ baseUrl: origin }).uploadMedia(file(name, 1000).path),
      ),
    );

  const cases: BadInputCase[] = [
    ...PROVIDERS.map(
      (provider): BadInputCase => ({
        name: `${provider}: missing file`,
        provider,
        run: () => up(provider)(join(dir, "does-not-exist.mp4")),
        error: InputError,
        message: /File not found: .*does-not-exist\.mp4/,
        noCall: CREATE_OR_COMPLETE,
      }),
    ),
    ...PROVIDERS.map(
      (provider): BadInputCase => ({
        name: `${provider}: 0-byte file`,
        provider,
        run: () => up(provider)(file(`${provider}-empty.mp4`, 0).path),
        error: InputError,
        message: /is empty \(0 bytes\)/,
        noCall: CREATE_OR_COMPLETE,
      }),
    ),
    {
      name: "fanvue: a directory",
      provider: "fanvue",
      run: () => up("fanvue")(dir),
      error: InputError,
      message: /is a directory/,
      noCall: CREATE_OR_COMPLETE,
    },
    {
      name: "ofauth: a file: URL that does not exist",
      provider: "ofauth",
      run: () => up("ofauth")(pathToFileURL(join(dir, "gone.mp4"))),
      error: InputError,
      message: /File not found/,
      noCall: CREATE_OR_COMPLETE,
    },
    {
      name: "fanvue: a file that grows during the upload",
      provider: "fanvue",
      run: () => {
        const { path } = file("grows.mp4", 11 * MiB);
        let grown = false;
        return fanvue().uploadMedia(path, {
          onProgress: () => {
            if (!grown) appendFileSync(path, "more");
            grown = true;
          },
        });
      },
      error: SourceChangedError,
      message: /changed during the upload/,
      noCall: COMPLETE,
    },
    {
      name: "record360: a file that shrinks during the upload",
      provider: "record360",
      run: () => {
        const { path } = file("shrinks.mp4", 12 * MiB);
        let shrunk = false;
        return record360().uploadMedia(path, {
          partCount: 2,
          concurrency: 1,
          onProgress: () => {
            if (!shrunk) truncateSync(path, 7 * MiB);
            shrunk = true;
          },
        });
      },
      error: SourceChangedError,
      message: /changed during the upload/,
      noCall: COMPLETE,
    },
    {
      name: "record360: a stream shorter than its declared size",
      provider: "record360",
      run: () =>
        record360().uploadMedia({ stream: Readable.from([randomBytes(1000)]), size: 2000 }, { contentType: "video/mp4" }),
      error: InputError,
      message: /ended after 1000 bytes, but its declared size is 2000/,
      noCall: COMPLETE,
    },
    {
      name: "fanvue: a stream longer than its declared size",
      provider: "fanvue",
      run: () => fanvue().uploadMedia({ stream: Readable.from([randomBytes(3000)]), size: 2000, filename: "s.bin" }),
      error: InputError,
      message: /more bytes than its declared size of 2000/,
      noCall: COMPLETE,
    },
    {
      name: "fanvue: a filename longer than 255 characters",
      provider: "fanvue",
      run: () => fanvue().uploadMedia(Buffer.from("x"), { filename: `${"a".repeat(256)}.jpg` }),
      error: InputError,
      message: /filename must be 1 to 255 characters, got 260/,
      noCall: CREATE_OR_COMPLETE,
    },
    {
      name: "fanvue: a negative partSize",
      provider: "fanvue",
      run: () => fanvue().uploadMedia(Buffer.from("x"), { partSize: -5 }),
      error: InputError,
      message: /partSize must be a whole number ≥ 1, got -5/,
      noCall: CREATE_OR_COMPLETE,
    },
    {
      name: "fanvue: a zero partSize",
      provider: "fanvue",
      run: () => fanvue().uploadMedia(Buffer.from("x"), { partSize: 0 }),
      error: InputError,
      message: /partSize must be a whole number ≥ 1, got 0/,
      noCall: CREATE_OR_COMPLETE,
    },
    {
      name: "ofauth: concurrency 0",
      provider: "ofauth",
      run: () => ofauth().uploadMedia(Buffer.from("x"), { filename: "x.jpg", concurrency: 0 }),
      error: InputError,
      message: /concurrency must be a whole number ≥ 1, got 0/,
      noCall: COMPLETE,
    },
    {
      name: "record360: partCount 21",
      provider: "record360",
      run: () => record360().uploadMedia(file("r21.mp4", 200 * MiB).path, { partCount: 21 }),
      error: InputError,
      message: /cannot be split into 21 parts.*at most 20 parts/,
      noCall: CREATE_OR_COMPLETE,
    },
    {
      name: "record360: a disallowed MIME type",
      provider: "record360",
      run: () => record360().uploadMedia(Buffer.from("%PDF-1.7"), { contentType: "application/pdf" }),
      error: InputError,
      message: /does not accept application\/pdf/,
      noCall: CREATE_OR_COMPLETE,
    },
    {
      name: "record360: a file too large for 20 parts",
      provider: "record360",
      run: () =>
        record360().uploadMedia(
          { stream: Readable.from([]), size: 101 * 1024 * MiB, filename: "huge.mp4" },
          { contentType: "video/mp4" },
        ),
      error: InputError,
      message: /cannot be split into 20 parts/,
      noCall: CREATE_OR_COMPLETE,
    },
    {
      name: "flowkiwi: a 6 MB image",
      provider: "flowkiwi",
      run: () => flowkiwi().uploadMedia(Buffer.alloc(6_000_000), { filename: "big.jpg", contentType: "image/jpeg" }),
      error: InputError,
      message: /is 6 MB \(image\/jpeg\); Flowkiwi accepts non-video files up to 5 MB/,
      noCall: CREATE_OR_COMPLETE,
    },
    {
      name: "flowkiwi: a 101 MB video",
      provider: "flowkiwi",
      run: () =>
        flowkiwi().uploadMedia({ stream: Readable.from([]), size: 101_000_000, filename: "long.mp4", contentType: "video/mp4" }),
      error: InputError,
      message: /is 101 MB \(video\/mp4\); Flowkiwi accepts videos up to 100 MB/,
      noCall: CREATE_OR_COMPLETE,
    },
    {
      name: "fanvue: a wrong token (401)",
      provider: "fanvue",
      run: () => fanvue({ token: "not-the-token" }).uploadMedia(Buffer.from("x"), { filename: "x.jpg" }),
      error: ApiError,
      message: /failed with 401: Unauthorized/,
      noCall: COMPLETE,
    },
    {
      name: "flowkiwi: a wrong organisation (403)",
      provider: "flowkiwi",
      run: () => flowkiwi({ organizationId: "org_someone_else" }).uploadMedia(Buffer.from("x"), { filename: "x.txt" }),
      error: ApiError,
      message: /403.*missing permissions: identity:organization:access/,
    },
    {
      name: "fanvue: a retired API version (410) names nextVersion",
      provider: "fanvue",
      run: () => fanvue({ apiVersion: "2024-01-01" }).uploadMedia(Buffer.from("x"), { filename: "x.jpg" }),
      error: ApiError,
      message: /set apiVersion: "2025-06-26"/,
      noCall: COMPLETE,
    },
    {
      name: "fanvue: a malformed JSON body",
      provider: "fanvue",
      run: () =>
        withProxy(
          {
            target: sandbox.fanvue.baseUrl,
            intercept: () => ({ status: 200, headers: { "content-type": "application/json" }, body: '{"mediaUuid": "d4e5' }),
          },
          (origin) => fanvue({ baseUrl: origin }).uploadMedia(Buffer.from("x"), { filename: "x.jpg" }),
        ),
      error: UploadkitError,
      message: /malformed JSON body/,
    },
    {
      name: "ofauth: an HTML error page",
      provider: "ofauth",
      run: () =>
        withProxy(
          {
            target: sandbox.ofauth.baseUrl,
            intercept: () => ({
              status: 502,
              headers: { "content-type": "text/html" },
              body: "<html><h1>502 Bad Gateway</h1></html>",
            }),
          },
          (origin) => ofauth({ baseUrl: origin }).uploadMedia(Buffer.from("x"), { filename: "x.jpg" }),
        ),
      error: ApiError,
      message: /502.*an HTML or XML page instead of the expected response/,
    },
    {
      name: "record360: a 5 MB error body is read bounded",
      provider: "record360",
      run: async () => {
        const error = await withProxy(
          {
            target: sandbox.record360.baseUrl,
            intercept: () => ({ status: 500, headers: { "content-type": "text/plain" }, body: "e".repeat(5 * MiB) }),
          },
          (origin) =>
            record360({ baseUrl: origin, retry: { maxAttempts: 1 } }).uploadMedia(Buffer.from("x"), { contentType: "image/png" }),
        ).catch((e: unknown) => e);
        expect(String((error as ApiError).body).length).toBeLessThanOrEqual(64 * 1024);
        throw error;
      },
      error: ApiError,
      message: /failed with 500/,
    },
    {
      name: "record360: fewer presigned URLs than parts",
      provider: "record360",
      run: () =>
        withProxy(
          {
            target: sandbox.record360.baseUrl,
            rewriteJson: (path, body) =>
              path.includes("multipart_upload_start")
                ? { ...body, presigned_urls: (body.presigned_urls as string[]).slice(1) }
                : body,
          },
          (origin) => record360({ baseUrl: origin }).uploadMedia(file("few.mp4", 12 * MiB).path, { partCount: 2 }),
        ),
      error: UploadkitError,
      message: /returned 1 presigned URLs for 2 parts/,
      noCall: COMPLETE,
    },
    {
      name: "ofauth: a part URL on a foreign origin",
      provider: "ofauth",
      run: () =>
        withProxy(
          {
            target: sandbox.ofauth.baseUrl,
            rewriteJson: (path, body) =>
              path.endsWith("/init") && Array.isArray(body.parts)
                ? {
                    ...body,
                    parts: (body.parts as { uploadUrl: string }[]).map((p) => ({
                      ...p,
                      uploadUrl: p.uploadUrl.replace(/^http:\/\/[^/]+/, "https://collector.invalid"),
                    })),
                  }
                : body,
          },
          (origin) => ofauth({ baseUrl: origin }).uploadMedia(file("foreign.mp4", 7 * MiB).path),
        ),
      error: UploadkitError,
      message: /sends parts to https:\/\/collector\.invalid.*refusing/,
      noCall: COMPLETE,
    },
    {
      name: "record360: a part response without ETag",
      provider: "record360",
      run: () => throughStoreProxy({ target: sandbox.store.gatewayOrigin, dropHeaders: ["etag"] }, "noetag.mp4"),
      error: PartUploadError,
      message: /carries no ETag/,
      noCall: COMPLETE,
    },
    {
      name: "record360: a 3xx redirect on a part URL",
      provider: "record360",
      run: () =>
        throughStoreProxy(
          {
            target: sandbox.store.gatewayOrigin,
            intercept: () => ({ status: 307, headers: { location: "http://127.0.0.1:9/x" } }),
          },
          "redirect.mp4",
        ),
      error: PartUploadError,
      message: /must not redirect/,
      noCall: COMPLETE,
    },
    {
      name: "fanvue: a server that never answers",
      provider: "fanvue",
      run: () =>
        withProxy({ target: sandbox.fanvue.baseUrl, intercept: () => "hang" }, (origin) =>
          fanvue({ baseUrl: origin, timeoutMs: 300 }).uploadMedia(Buffer.from("x"), { filename: "x.jpg" }),
        ),
      error: UploadkitError,
      message: /no response within 300 ms/,
    },
    {
      name: "record360: Retry-After of one day fails at once, naming the wait, instead of being obeyed",
      provider: "record360",
      run: () =>
        withProxy(
          {
            target: sandbox.record360.baseUrl,
            intercept: (_req, count) =>
              count === 1
                ? {
                    status: 429,
                    headers: { "retry-after": "86400", "content-type": "application/json" },
                    body: '{"errors":"slow down"}',
                  }
                : undefined,
          },
          (origin) => record360({ baseUrl: origin }).uploadMedia(Buffer.from("x"), { contentType: "image/png" }),
        ),
      error: ApiError,
      message: /asked to wait 1440 min .*longer than retry\.maxRetryAfterMs/,
    },
    {
      name: "ofauth: skipIfExists with a stream",
      provider: "ofauth",
      run: () =>
        ofauth().uploadMedia({ stream: Readable.from([Buffer.from("x")]), size: 1, filename: "x.jpg" }, { skipIfExists: true }),
      error: InputError,
      message: /needs an input that can be read twice/,
      noCall: CREATE_OR_COMPLETE,
    },
    {
      name: "fanvue: an unknown mediaType",
      provider: "fanvue",
      run: () => fanvue().uploadMedia(Buffer.from("x"), { mediaType: "gif" as never }),
      error: InputError,
      message: /mediaType must be one of image, video, audio, document/,
      noCall: CREATE_OR_COMPLETE,
    },
  ];

  it(`has at least 30 cases (${cases.length})`, () => {
    expect(cases.length).toBeGreaterThanOrEqual(30);
  });

  for (const testCase of cases) {
    it(testCase.name, async () => {
      totals.cases++;
      const before = sandbox.requests.length;
      const outcome = await testCase.run(sandbox).then(
        () => undefined,
        (error: unknown) => audit.error(error),
      );
      if (testCase.error === null) {
        expect(outcome).toBeUndefined();
        return;
      }
      expect(outcome).toBeInstanceOf(testCase.error);
      if (testCase.message) expect((outcome as Error).message).toMatch(testCase.message);
      if (testCase.noCall) {
        const calls = sandbox.requests.slice(before).map((r) => `${r.method} ${r.url.split("?")[0]}`);
        expect(calls.filter((call) => testCase.noCall?.test(call))).toEqual([]);
      }
    });
  }
});

describe("abort and crash", () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await sandboxFor({ providers: ["fanvue", "record360"] });
  });
  const fanvueClient = (fetchImpl?: typeof fetch) =>
    createFanvueClient({
      ...TRANSPORT,
      token: sandbox.fanvue.credentials.token,
      baseUrl: sandbox.fanvue.baseUrl,
      fetch: fetchImpl,
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
    let abortedAt = 0;
    const error = audit.error(
      await fanvueClient()
        .uploadMedia(path, {
          checkpoint,
          partSize: 5 * MiB,
          concurrency: 2,
          signal: controller.signal,
          onProgress: (p) => {
            if (p.partsDone >= 2 && !abortedAt) {
              abortedAt = Date.now();
              controller.abort();
            }
          },
        })
        .catch((e: unknown) => e),
    );
    expect(error).toBeInstanceOf(AbortError);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const late = sandbox.requests.filter((r) => r.at > abortedAt + 20);
    expect(late).toEqual([]);
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

describe("credential-leak audit", () => {
  it("no token, API key or presigned signature appears where it should not", () => {
    let leaks: string[] = [];
    for (const { sandbox, secrets } of audited) {
      totals.requests += sandbox.requests.length;
      leaks = leaks.concat(audit.leaks(sandbox.requests, secrets));
    }
    totals.leaks = leaks.length;
    const messages = audit.errorTexts().length + audit.lines.length;
    console.log(
      `credential audit: ${totals.requests} requests and ${messages} messages, causes and log lines checked, ${leaks.length} leaks`,
    );
    expect(leaks).toEqual([]);
    expect(audit.errors.length).toBeGreaterThan(30);
  });

  afterAll(() => {
    const rows = perProvider.map((p) => `| ${p.provider} | ${p.files} | ${p.faults} | ${p.retries} | ${p.completed} |`);
    console.log(
      [
        "",
        `Fault injection (20% of calls, sizes up to ${MAX_SIZE / MiB} MiB${FULL ? ", --full" : ""}):`,
        "| provider | files | faults injected | retries made | completed byte-identical |",
        "|---|---|---|---|---|",
        ...rows,
        "",
        "| cases run | faults injected | uploads completed byte-identical | aborts | resumes | requests audited | leaks found |",
        "|---|---|---|---|---|---|---|",
        `| ${totals.cases} | ${totals.faults} | ${totals.completed} | ${totals.aborts} | ${totals.resumes} | ${totals.requests} | ${totals.leaks} |`,
      ].join("\n"),
    );
  });
});

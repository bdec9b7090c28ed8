// Hostile servers and careless input, class by class (issue: hardened against hostile servers). Every case goes
// through the public API against the sandbox or a server that misbehaves on purpose, and each can fail.
import { createHash, randomBytes } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync, truncateSync, utimesSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { Readable } from "node:stream";
import { inspect } from "node:util";
import { gzipSync } from "node:zlib";
import { createFanvueClient } from "@uploadkit/fanvue";
import { createFlowkiwiClient } from "@uploadkit/flowkiwi";
import {
  AbortError,
  ApiError,
  CheckpointError,
  InputError,
  openSource,
  PartUploadError,
  ProviderResponseError,
  planParts,
  type TransportEvent,
  UploadkitError,
  type UploadProgress,
  uploadParts,
} from "@uploadkit/multipart";
import { type Sandbox, scratchDir, startSandbox } from "@uploadkit/sandbox";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commonClient, PROVIDERS, type Provider, secretSandboxOptions, secretsOf } from "./support/clients.js";
import { completeCalls, MP4_HEAD, mp4Writer } from "./support/fixtures.js";
import {
  type ProxyOptions,
  apiProxy as sharedApiProxy,
  record360ViaStore as sharedRecord360ViaStore,
  withProxy,
} from "./support/proxy.js";

const MiB = 1024 * 1024;
const FAST = { retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5 }, timeoutMs: 2000, stallTimeoutMs: 2000 };
const COMMON = { filename: "clip.mp4", contentType: "video/mp4" };
const PLAN: Record<Provider, Record<string, unknown>> = {
  fanvue: { partSize: 5 * MiB },
  ofauth: {},
  record360: { partCount: 2 },
  flowkiwi: {},
};
const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");
const md5 = (bytes: Uint8Array) => createHash("md5").update(bytes).digest("hex");
const dir = scratchDir("hostile", { onSignal: true });
const counts = new Map<string, number>();
const count = (klass: string) => counts.set(klass, (counts.get(klass) ?? 0) + 1);

let sandbox: Sandbox;
const mp4 = mp4Writer(dir);
const client = (provider: Provider, transport = {}, baseUrl?: string) =>
  commonClient(provider, sandbox, { ...FAST, ...transport }, baseUrl);
const storedSha = (provider: Provider, id: string) => sandbox.objectSha256(sandbox[provider].keyOf(id) as string);
const completes = (provider: Provider) => completeCalls(sandbox, provider);
const requestsTo = (provider: Provider) => sandbox.requests.filter((r) => r.server === provider).length;

const apiProxy = (provider: Provider, options: Omit<ProxyOptions, "target"> = {}) => sharedApiProxy(sandbox, provider, options);
const record360ViaStore = (storeOrigin: string) => sharedRecord360ViaStore(sandbox, storeOrigin);

/** A server that records what reaches it and answers 200 {}. */
async function recorder() {
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

describe("1. credentials never leave the API origin", () => {
  it.each(PROVIDERS)("%s: a redirect to another origin is not followed with any credential", async (provider) => {
    const other = await recorder();
    try {
      const error = await apiProxy(provider, {
        intercept: (req, index) =>
          index === 1 ? { status: 307, headers: { location: `${other.origin}${req.url}` } } : undefined,
      })
        .run((origin) => client(provider, {}, origin).uploadMedia(mp4(64 * 1024).path, COMMON))
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UploadkitError);
      expect(other.seen).toHaveLength(0);
      count("1 credentials");
    } finally {
      await other.close();
    }
  });

  it.each(PROVIDERS)("%s: secrets the server echoes are redacted from message, JSON, inspect and cause", async (provider) => {
    const secrets = secretsOf(sandbox)[provider] as string[];
    const echo = JSON.stringify({ message: `bad credentials ${secrets.join(" and ")}`, echo: { headers: secrets } });
    const error = await apiProxy(provider, {
      intercept: () => ({ status: 400, headers: { "content-type": "application/json" }, body: echo }),
    })
      .run((origin) => client(provider, {}, origin).uploadMedia(mp4(64 * 1024).path, COMMON))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    const views = [String(error), (error as Error).message, JSON.stringify(error), inspect(error, { depth: 10 })];
    for (let cause = (error as Error).cause; cause; cause = (cause as Error).cause) views.push(inspect(cause, { depth: 10 }));
    for (const view of views) for (const secret of secrets) expect(view).not.toContain(secret);
    expect((error as Error).message).toContain("<redacted>");
    count("1 credentials");
  });

  it("a presigned URL's signature never reaches a retry event or the final error", async () => {
    const events: TransportEvent[] = [];
    const error = await withProxy(
      {
        target: `http://${new URL(sandbox.store.gatewayOrigin).host}`,
        intercept: (req) => ({
          status: 500,
          body: `<Error><Code>InternalError</Code><Message>failed http://x${req.url}</Message></Error>`,
        }),
      },
      (storeOrigin) =>
        record360ViaStore(storeOrigin).run((origin) =>
          client("record360", { onRetry: (e: TransportEvent) => events.push(e) }, origin).uploadMedia(
            mp4(64 * 1024).path,
            COMMON,
          ),
        ),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PartUploadError);
    expect(events.length).toBeGreaterThan(0);
    for (const text of [...events.map((e) => JSON.stringify(e)), (error as Error).message, inspect(error, { depth: 10 })]) {
      expect(text).not.toMatch(/X-Amz-Signature=[0-9a-f]/i);
    }
    count("1 credentials");
  });
});

describe("2. a failing source rejects, never crashes", () => {
  const sources: [string, (size: number) => { input: unknown; shrink?: () => void }][] = [
    [
      "a stream that errors",
      (size) => ({
        input: {
          stream: Readable.from(
            (async function* () {
              yield Buffer.concat([MP4_HEAD, randomBytes(MiB)]);
              throw new Error("disk on fire");
            })(),
          ),
          size,
        },
      }),
    ],
    ["a stream shorter than declared", (size) => ({ input: { stream: Readable.from([MP4_HEAD, randomBytes(MiB)]), size } })],
    ["a stream longer than declared", (size) => ({ input: { stream: Readable.from([MP4_HEAD, randomBytes(size)]), size } })],
    [
      "a Blob whose size lies",
      (size) => {
        const blob = new Blob([MP4_HEAD, randomBytes(size / 2)], { type: "video/mp4" });
        Object.defineProperty(blob, "size", { value: size });
        return { input: blob };
      },
    ],
    [
      "a file that shrinks during the upload",
      (size) => {
        const { path } = mp4(size);
        return { input: path, shrink: () => truncateSync(path, MiB) };
      },
    ],
  ];
  for (const provider of PROVIDERS) {
    it.each(sources)(`${provider}: %s`, async (_name, make) => {
      const size = 12 * MiB;
      const { input, shrink } = make(size);
      const before = completes(provider);
      let shrunk = false;
      const error = await client(provider)
        .uploadMedia(input as string, {
          ...COMMON,
          ...PLAN[provider],
          concurrency: 1,
          onProgress: (p: UploadProgress) => {
            if (shrink && !shrunk && p.loaded > 0) {
              shrunk = true;
              shrink();
            }
          },
        })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UploadkitError);
      expect((error as UploadkitError).code).toMatch(/^(SOURCE_|INPUT_STREAM_)/);
      if (provider !== "flowkiwi") expect(completes(provider)).toBe(before);
      count("2 failing sources");
    });
  }

  it("ofauth: skipIfExists's hashing pass rejects on a Blob whose size lies", async () => {
    const blob = new Blob([MP4_HEAD, randomBytes(MiB)], { type: "video/mp4" });
    Object.defineProperty(blob, "size", { value: 3 * MiB });
    const error = await client("ofauth")
      .uploadMedia(blob, { ...COMMON, skipIfExists: true })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect(error).toMatchObject({ code: "SOURCE_CHANGED" });
    count("2 failing sources");
  });
});

describe("3. provider answers are checked before use", () => {
  const cases: [Provider, string, string, (path: string, body: Record<string, unknown>) => Record<string, unknown>][] = [
    [
      "fanvue",
      "create without uploadId",
      "uploadId",
      (path, body) => (path.endsWith("/media/uploads") ? { ...body, uploadId: undefined } : body),
    ],
    [
      "fanvue",
      "create with a numeric mediaUuid",
      "mediaUuid",
      (path, body) => (path.endsWith("/media/uploads") ? { ...body, mediaUuid: 7 } : body),
    ],
    ["fanvue", "a relative part URL", "url", (path, body) => (path.endsWith("/url") ? { url: "/not/absolute" } : body)],
    [
      "ofauth",
      "init without mediaUploadId",
      "mediaUploadId",
      (path, body) => (path.endsWith("/init") ? { ...body, mediaUploadId: undefined } : body),
    ],
    [
      "ofauth",
      '"single" with a two-part plan',
      "uploadType",
      (path, body) => (path.endsWith("/init") ? { ...body, uploadType: "single" } : body),
    ],
    [
      "ofauth",
      "a javascript: part URL",
      "parts[1].uploadUrl",
      (path, body) =>
        path.endsWith("/init")
          ? {
              ...body,
              parts: (body.parts as Record<string, unknown>[]).map((p, i) =>
                i === 1 ? { ...p, uploadUrl: "javascript:alert(1)" } : p,
              ),
            }
          : body,
    ],
    [
      "record360",
      "no upload_id",
      "upload_id",
      (path, body) => (path.includes("start") ? { ...body, upload_id: undefined } : body),
    ],
    [
      "record360",
      "duplicate presigned URLs",
      "presigned_urls[1]",
      (path, body) => {
        const urls = body.presigned_urls as string[] | undefined;
        return path.includes("start") && urls ? { ...body, presigned_urls: [urls[0], urls[0]] } : body;
      },
    ],
    [
      "record360",
      "a relative presigned URL",
      "presigned_urls[0]",
      (path, body) => {
        const urls = body.presigned_urls as string[] | undefined;
        return path.includes("start") && urls ? { ...body, presigned_urls: ["/part/1", ...urls.slice(1)] } : body;
      },
    ],
    [
      "record360",
      "an ftp: presigned URL",
      "presigned_urls[1]",
      (path, body) => {
        const urls = body.presigned_urls as string[] | undefined;
        return path.includes("start") && urls ? { ...body, presigned_urls: [urls[0], "ftp://store/part2"] } : body;
      },
    ],
    [
      "record360",
      "more presigned URLs than planned parts",
      "presigned_urls",
      (path, body) => {
        const urls = body.presigned_urls as string[] | undefined;
        return path.includes("start") && urls ? { ...body, presigned_urls: [...urls, `${urls[0]}&extra=1`] } : body;
      },
    ],
    ["record360", "complete without id", "id", (path, body) => (path.includes("complete") ? { ...body, id: undefined } : body)],
    ["flowkiwi", "a 201 without @id", "@id", (_path, body) => ({ ...body, "@id": undefined })],
  ];
  it.each(cases)("%s: %s → ProviderResponseError naming %s", async (provider, _name, field, rewrite) => {
    const error = await apiProxy(provider, { rewriteJson: rewrite })
      .run((origin) => client(provider, {}, origin).uploadMedia(mp4(12 * MiB).path, { ...COMMON, ...PLAN[provider] }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderResponseError);
    expect(error).toMatchObject({ provider, field });
    expect((error as Error).message).toContain(field);
    count("3 answers validated");
  });
});

describe("4. bounded memory for every response", () => {
  it("an API success body that inflates past 16 MiB is refused, not read whole", async () => {
    const bomb = gzipSync(Buffer.alloc(200 * MiB, 32));
    const server = createServer((req, res) => {
      req.resume();
      res.writeHead(200, { "content-type": "application/json", "content-encoding": "gzip" }).end(bomb);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const fanvue = createFanvueClient({ token: "t0ken-bomb", baseUrl, ...FAST });
      const error = await fanvue.uploadMedia(mp4(64 * 1024).path).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: "API_RESPONSE_TOO_LARGE" });
      count("4 bounded memory");
    } finally {
      server.close();
    }
  });

  it("a part count announced in a header is checked against the file before anything is allocated", async () => {
    for (const total of ["1000000000", "-3", "2.5", "1e9"]) {
      const error = await apiProxy("ofauth", {
        intercept: (req) =>
          req.url?.endsWith("/init")
            ? {
                status: 200,
                headers: {
                  "content-type": "application/json",
                  "x-ofauth-upload-total-parts": total,
                  "x-ofauth-upload-part-size": "5",
                },
                body: JSON.stringify({ mediaUploadId: "upload:x" }),
              }
            : undefined,
      })
        .run((origin) => client("ofauth", {}, origin).uploadMedia(mp4(64 * 1024).path, COMMON))
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ProviderResponseError);
      expect(error).toMatchObject({ field: "x-ofauth-upload-total-parts" });
      count("4 bounded memory");
    }
  });

  it("an error body of 5 MB is read to 64 KiB", async () => {
    const error = await apiProxy("record360", {
      intercept: () => ({ status: 400, headers: { "content-type": "text/plain" }, body: "x".repeat(5_000_000) }),
    })
      .run((origin) => client("record360", {}, origin).uploadMedia(mp4(64 * 1024).path, COMMON))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(String((error as ApiError).body).length).toBeLessThanOrEqual(64 * 1024);
    count("4 bounded memory");
  });
});

describe("5. resume never stitches different content", () => {
  for (const provider of ["fanvue", "ofauth", "record360"] as const) {
    it(`${provider}: a part changed in place (same size and mtime) is sent again, not skipped`, async () => {
      const { path, bytes } = mp4(12 * MiB);
      utimesSync(path, 1_700_000_000, 1_700_000_000);
      const checkpoint = join(dir, `${provider}-stitch.json`);
      const controller = new AbortController();
      const first = await client(provider)
        .uploadMedia(path, {
          ...COMMON,
          ...PLAN[provider],
          checkpoint,
          concurrency: 1,
          signal: controller.signal,
          onProgress: (p: UploadProgress) => p.partsDone >= 1 && controller.abort(),
        })
        .catch((e: unknown) => e);
      expect(first).toBeInstanceOf(AbortError);
      randomBytes(1024).copy(bytes, 2 * MiB); // inside part 1, outside the fingerprint's first and last MiB
      writeFileSync(path, bytes);
      utimesSync(path, 1_700_000_000, 1_700_000_000);
      const result = await client(provider).uploadMedia(path, { ...COMMON, ...PLAN[provider], checkpoint });
      expect(await storedSha(provider, result.id)).toBe(sha256(bytes));
      count("5 resume");
    });

    it(`${provider}: a stream of the same size but other bytes is re-sent whole`, async () => {
      const size = 12 * MiB;
      const checkpoint = join(dir, `${provider}-stream.json`);
      const controller = new AbortController();
      const old = Buffer.concat([MP4_HEAD, randomBytes(size - MP4_HEAD.length)]);
      await client(provider)
        .uploadMedia(
          { stream: Readable.from([old]), size },
          {
            ...COMMON,
            ...PLAN[provider],
            checkpoint,
            concurrency: 1,
            signal: controller.signal,
            onProgress: (p: UploadProgress) => p.partsDone >= 1 && controller.abort(),
          },
        )
        .catch(() => undefined);
      const fresh = Buffer.concat([MP4_HEAD, randomBytes(size - MP4_HEAD.length)]);
      const result = await client(provider).uploadMedia(
        { stream: Readable.from([fresh]), size },
        { ...COMMON, ...PLAN[provider], checkpoint },
      );
      expect(await storedSha(provider, result.id)).toBe(sha256(fresh));
      count("5 resume");
    });
  }
});

describe("6. checkpoints", () => {
  it("are written owner-only, and nothing of them is left after a finished upload", async () => {
    const { path } = mp4(12 * MiB);
    const checkpoint = join(dir, "mode", "cp.json");
    const controller = new AbortController();
    await client("record360")
      .uploadMedia(path, {
        ...COMMON,
        ...PLAN.record360,
        checkpoint,
        concurrency: 1,
        signal: controller.signal,
        onProgress: (p: UploadProgress) => p.partsDone >= 1 && controller.abort(),
      })
      .catch(() => undefined);
    expect(statSync(checkpoint).mode & 0o777).toBe(0o600);
    await client("record360").uploadMedia(path, { ...COMMON, ...PLAN.record360, checkpoint });
    expect(readdirSync(join(dir, "mode"))).toEqual([]);
    count("6 checkpoints");
  });

  it("a write that fails is a CheckpointError and leaves no temporary file", async () => {
    const blocker = join(dir, "blocker");
    writeFileSync(blocker, "a file where a folder should be");
    const error = await client("fanvue")
      .uploadMedia(mp4(64 * 1024).path, { ...COMMON, checkpoint: join(blocker, "cp.json") })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CheckpointError);
    expect(readdirSync(dir).filter((name) => name.endsWith(".tmp"))).toEqual([]);
    count("6 checkpoints");
  });

  const damaged: [string, (checkpoint: Record<string, unknown>) => unknown][] = [
    ["a negative part number", (c) => ({ ...c, parts: [{ partNumber: -1, etag: '"x"' }] })],
    ["an empty ETag", (c) => ({ ...c, parts: [{ partNumber: 1, etag: "" }] })],
    ["a part outside the plan", (c) => ({ ...c, parts: [{ partNumber: 99, etag: '"x"', md5: md5(Buffer.from("x")) }] })],
    ["a numeric upload id", (c) => ({ ...c, session: { ...(c.session as object), uploadId: 5 } })],
    ["a relative presigned URL", (c) => ({ ...c, session: { ...(c.session as object), presignedUrls: ["/a", "/b"] } })],
    ["a session that is not an object", (c) => ({ ...c, session: "x" })],
  ];
  it.each(damaged)("a checkpoint with %s is refused on load", async (_name, damage) => {
    const { path } = mp4(12 * MiB);
    const checkpoint = join(dir, `damaged-${_name.replace(/\W+/g, "-")}.json`);
    const controller = new AbortController();
    await client("record360")
      .uploadMedia(path, {
        ...COMMON,
        ...PLAN.record360,
        checkpoint,
        concurrency: 1,
        signal: controller.signal,
        onProgress: (p: UploadProgress) => p.partsDone >= 1 && controller.abort(),
      })
      .catch(() => undefined);
    writeFileSync(checkpoint, JSON.stringify(damage(JSON.parse(readFileSync(checkpoint, "utf8")))));
    const before = requestsTo("record360");
    const error = await client("record360")
      .uploadMedia(path, { ...COMMON, ...PLAN.record360, checkpoint })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CheckpointError);
    expect(requestsTo("record360")).toBe(before);
    count("6 checkpoints");
  });

  it("two uploads on one checkpoint at once: the second is refused, the first completes", async () => {
    const { path, bytes } = mp4(12 * MiB);
    const checkpoint = join(dir, "locked.json");
    let second: unknown;
    const first = client("fanvue").uploadMedia(path, {
      ...COMMON,
      ...PLAN.fanvue,
      checkpoint,
      onProgress: async (p: UploadProgress) => {
        if (second === undefined && p.loaded > 0) {
          second = client("fanvue")
            .uploadMedia(path, { ...COMMON, ...PLAN.fanvue, checkpoint })
            .catch((e: unknown) => e);
        }
      },
    });
    const result = await first;
    expect(await second).toBeInstanceOf(CheckpointError);
    expect(await second).toMatchObject({ code: "CHECKPOINT_LOCKED" });
    expect(await storedSha("fanvue", result.id)).toBe(sha256(bytes));
    expect(existsSync(checkpoint) || existsSync(`${checkpoint}.lock`)).toBe(false);
    count("6 checkpoints");
  });
});

describe("7. options are checked before any call", () => {
  const bad = [Number.NaN, Number.POSITIVE_INFINITY, -1, 0, 1.5];
  it.each(PROVIDERS)("%s: NaN, Infinity, negative, zero and fractional numbers", async (provider) => {
    const before = requestsTo(provider);
    for (const value of bad) {
      for (const transport of [
        { timeoutMs: value },
        { stallTimeoutMs: value },
        { retry: { maxAttempts: value } },
        { retry: { baseDelayMs: value } },
      ]) {
        if (value === 0 && JSON.stringify(transport).includes("baseDelayMs")) continue; // no delay is a valid choice
        expect(() => client(provider, transport), `${provider} ${JSON.stringify(transport)}=${value}`).toThrow(InputError);
        count("7 options");
      }
      const error = await client(provider)
        .uploadMedia(mp4(1024).path, { ...COMMON, concurrency: value })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InputError);
      count("7 options");
    }
    expect(requestsTo(provider)).toBe(before);
  });

  it("fanvue: polling options of waitForReady", async () => {
    const before = requestsTo("fanvue");
    for (const waitForReady of [
      { intervalMs: 0 },
      { intervalMs: Number.NaN },
      { timeoutMs: -5 },
      { timeoutMs: Number.POSITIVE_INFINITY },
    ]) {
      const error = await client("fanvue")
        .uploadMedia(mp4(1024).path, { ...COMMON, waitForReady })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InputError);
      count("7 options");
    }
    expect(requestsTo("fanvue")).toBe(before);
  });
});

describe("8. ids in URL paths cannot change the endpoint", () => {
  it("dot segments are refused before any call; other characters are encoded into the one path segment", async () => {
    const fanvue = createFanvueClient({ token: sandbox.fanvue.credentials.token, baseUrl: sandbox.fanvue.baseUrl, ...FAST });
    const kiwi = createFlowkiwiClient({ ...sandbox.flowkiwi.credentials, baseUrl: sandbox.flowkiwi.baseUrl, ...FAST });
    const before = sandbox.requests.length;
    for (const id of ["..", ".", ""]) {
      await expect(fanvue.getMedia(id)).rejects.toBeInstanceOf(InputError);
      await expect(kiwi.getMedia(id)).rejects.toBeInstanceOf(InputError);
      await expect(kiwi.deleteMedia(id)).rejects.toBeInstanceOf(InputError);
      await expect(fanvue.uploadMedia(mp4(1024).path, { creatorUserUuid: id || ".." })).rejects.toBeInstanceOf(InputError);
      await expect(client("record360").uploadMedia(mp4(1024).path, { ...COMMON, fileId: id || "." })).rejects.toBeInstanceOf(
        InputError,
      );
      count("8 path ids");
    }
    expect(sandbox.requests.length).toBe(before);
    for (const id of ["a/../../admin", "x?y=1", "z#frag", "%2e%2e"]) {
      await fanvue.getMedia(id).catch(() => undefined);
      const last = sandbox.requests.at(-1);
      expect(last?.url.split("?")[0]).toMatch(/^\/media\/[^/]+$/);
      count("8 path ids");
    }
  });

  it("ofauth: an upload id from the server that is a dot segment is refused", async () => {
    const error = await apiProxy("ofauth", {
      rewriteJson: (path, body) => (path.endsWith("/init") ? { ...body, mediaUploadId: ".." } : body),
    })
      .run((origin) => client("ofauth", {}, origin).uploadMedia(mp4(64 * 1024).path, COMMON))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderResponseError);
    count("8 path ids");
  });
});

describe("9. retries that are safe, and only those", () => {
  it("an idempotent call whose answer is cut is repeated", async () => {
    const { path, bytes } = mp4(64 * 1024);
    const events: TransportEvent[] = [];
    const result = await apiProxy("record360", {
      intercept: (req, index) => (index === 1 && req.method === "GET" ? "cut" : undefined),
    }).run((origin) => client("record360", { onRetry: (e: TransportEvent) => events.push(e) }, origin).uploadMedia(path, COMMON));
    expect(events).toHaveLength(1);
    expect(await storedSha("record360", result.id)).toBe(sha256(bytes));
    count("9 safe retries");
  });

  it("a create whose answer is cut is not sent again", async () => {
    const before = sandbox.requests.filter((r) => r.server === "fanvue" && r.method === "POST").length;
    const error = await apiProxy("fanvue", { intercept: (req) => (req.method === "POST" ? "cut" : undefined) })
      .run((origin) => client("fanvue", {}, origin).uploadMedia(mp4(64 * 1024).path, COMMON))
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "API_NETWORK" });
    expect(sandbox.requests.filter((r) => r.server === "fanvue" && r.method === "POST").length).toBe(before + 1);
    count("9 safe retries");
  });

  it("a Flowkiwi create whose answer is cut is not sent again", async () => {
    const before = completes("flowkiwi");
    const error = await apiProxy("flowkiwi", { intercept: (req) => (req.method === "POST" ? "cut" : undefined) })
      .run((origin) => client("flowkiwi", {}, origin).uploadMedia(mp4(64 * 1024).path, COMMON))
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "API_NETWORK" });
    expect(completes("flowkiwi")).toBe(before + 1);
    count("9 safe retries");
  });

  it("a part answered 200 with an S3 <Error> body is retried and reported by its S3 code; one without an ETag is reported as such", async () => {
    for (const [answer, message] of [
      [{ status: 200, body: "<Error><Code>SlowDown</Code><Message>Reduce your rate</Message></Error>" }, /SlowDown/],
      [{ status: 200, body: "" }, /no ETag/],
    ] as const) {
      const error = await withProxy(
        { target: `http://${new URL(sandbox.store.gatewayOrigin).host}`, intercept: () => answer },
        (storeOrigin) =>
          record360ViaStore(storeOrigin).run((origin) =>
            client("record360", {}, origin).uploadMedia(mp4(64 * 1024).path, COMMON),
          ),
      ).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PartUploadError);
      expect((error as Error).message).toMatch(message);
      if (String(message).includes("SlowDown")) expect((error as Error).message).not.toMatch(/CORS/);
      count("9 safe retries");
    }
  });
});

describe("10. integrity without false alarms", () => {
  async function partServer(answer: (body: Buffer) => Record<string, string>) {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => res.writeHead(200, answer(Buffer.concat(chunks))).end());
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/part`, close: () => server.close() };
  }
  const warnings: string[] = [];
  const logger = { debug() {}, info() {}, warn: (line: string) => warnings.push(line), error() {} };

  for (const [name, headers, code] of [
    [
      "SSE-KMS",
      (_: Buffer) => ({ etag: `"${randomBytes(16).toString("hex")}"`, "x-amz-server-side-encryption": "aws:kms" }),
      "UPLOADKIT_ETAG_NOT_MD5",
    ],
    [
      "SSE-C",
      (_: Buffer) => ({
        etag: `"${randomBytes(16).toString("hex")}"`,
        "x-amz-server-side-encryption-customer-algorithm": "AES256",
      }),
      "UPLOADKIT_ETAG_NOT_MD5",
    ],
    ["a weak ETag that is no MD5", (_: Buffer) => ({ etag: `W/"${randomBytes(8).toString("hex")}-1"` }), "UPLOADKIT_WEAK_ETAG"],
  ] as const) {
    it(`${name}: accepted unverified, with a warning instead of an IntegrityError`, async () => {
      const server = await partServer(headers);
      try {
        const source = await openSource(randomBytes(64 * 1024));
        const done = await uploadParts({
          source,
          parts: planParts(source.size, { minPartSize: 1, maxPartSize: 1e9, maxParts: 10 }),
          target: () => ({ url: server.url }),
          logger,
        });
        expect(done).toHaveLength(1);
        expect(warnings.some((line) => line.includes(code))).toBe(true);
        count("10 integrity");
      } finally {
        server.close();
      }
    });
  }

  it("checksum: false on a client accepts ETags that are not MD5s without a warning or an error", async () => {
    const { path, bytes } = mp4(64 * 1024);
    const error = await withProxy(
      {
        target: `http://${new URL(sandbox.store.gatewayOrigin).host}`,
        intercept: () => ({ status: 200, headers: { etag: `"${"0".repeat(32)}"` } }),
      },
      (storeOrigin) =>
        record360ViaStore(storeOrigin).run((origin) =>
          client("record360", { checksum: false }, origin).uploadMedia(path, COMMON),
        ),
    ).catch((e: unknown) => e);
    // The part never reached the store, so the fake refuses complete (an ApiError), but the client raised no IntegrityError.
    expect(error).toBeInstanceOf(ApiError);
    expect(bytes.length).toBe(64 * 1024);
    count("10 integrity");
  });
});

describe("11. form-data headers cannot be injected", () => {
  it("file names with quotes and line breaks are escaped; content types with them are refused", async () => {
    let head = "";
    const media = await withProxy(
      {
        target: sandbox.flowkiwi.baseUrl,
        intercept: (req) => {
          req.once("data", (chunk: Buffer) => {
            head = chunk.subarray(0, 600).toString("latin1");
          });
          return undefined;
        },
      },
      (origin) =>
        client("flowkiwi", {}, origin).uploadMedia(mp4(64 * 1024).path, {
          filename: 'evil"\r\nX-Injected: 1\r\n.mp4',
          contentType: "video/mp4",
        }),
    ).catch((e: unknown) => e);
    void media;
    const headerLines = head.split("\r\n\r\n")[0]?.split("\r\n") ?? [];
    expect(headerLines.some((line) => line.startsWith("X-Injected"))).toBe(false);
    expect(head).toContain("%22%0D%0AX-Injected: 1%0D%0A");
    count("11 form-data");
    for (const contentType of ["video/mp4\r\nX-Injected: 1", "video/mp4\n", "text/plain; a=\u0000"]) {
      await expect(client("flowkiwi").uploadMedia(mp4(1024).path, { contentType })).rejects.toBeInstanceOf(InputError);
      await expect(
        client("flowkiwi").uploadMedia({ stream: Readable.from([Buffer.alloc(10)]), size: 10, contentType }, {}),
      ).rejects.toBeInstanceOf(InputError);
      count("11 form-data");
    }
  });
});

describe("12. loops are bounded", () => {
  it("pagination that returns to a page already read stops with an error", async () => {
    const error = await apiProxy("flowkiwi", {
      rewriteJson: (path, body) =>
        path === "/rest/api/medias"
          ? { ...body, "hydra:view": { "@id": "/rest/api/medias?page=2", "hydra:next": "/rest/api/medias?page=1" } }
          : body,
    })
      .run(async (origin) => {
        const kiwi = createFlowkiwiClient({ ...sandbox.flowkiwi.credentials, baseUrl: origin, ...FAST });
        let seen = 0;
        for await (const _ of kiwi.iterateMedia()) if (++seen > 10_000) throw new Error("not bounded");
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderResponseError);
    count("12 loops");
  });

  it("a retry policy asks for a bounded number of attempts, whatever the server says", async () => {
    let seen = 0;
    const error = await apiProxy("record360", {
      intercept: () => {
        seen++;
        return { status: 503, headers: { "retry-after": "0" } };
      },
    })
      .run((origin) => client("record360", {}, origin).uploadMedia(mp4(1024).path, COMMON))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(seen).toBe(FAST.retry.maxAttempts);
    count("12 loops");
  });
});

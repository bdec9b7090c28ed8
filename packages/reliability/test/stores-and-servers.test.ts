// What real stores and servers answer that still broke uploads (issue: what providers really publish and what real
// stores really answer): redirects, weak ETags, 200s carrying S3 errors, Retry-After beyond the bound, hashing of
// many queued files, and servers that read a request and never answer. Each class is tried through the public API,
// against the sandbox or a server that misbehaves on purpose, across the class of input.
import { createHash, randomBytes } from "node:crypto";
import { readdirSync, readlinkSync } from "node:fs";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import {
  ApiError,
  IntegrityError,
  openSource,
  PartUploadError,
  planParts,
  type TransportEvent,
  UploadkitError,
  uploadParts,
} from "@uploadkit/multipart";
import { type Sandbox, scratchDir, startSandbox } from "@uploadkit/sandbox";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commonClient, PROVIDERS, type Provider, secretSandboxOptions, secretsOf } from "./support/clients.js";
import { completeCalls, mp4Writer } from "./support/fixtures.js";
import { apiProxy, type ProxyOptions, record360ViaStore, silentOn, withProxy } from "./support/proxy.js";

const KiB = 1024;
const FAST = { retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5 }, timeoutMs: 2000, stallTimeoutMs: 2000 };
const COMMON = { filename: "clip.mp4", contentType: "video/mp4" };
const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");
const md5 = (bytes: Uint8Array) => createHash("md5").update(bytes).digest("hex");
const dir = scratchDir("stores-and-servers", { onSignal: true });

let sandbox: Sandbox;
const mp4 = mp4Writer(dir);
const client = (provider: Provider, transport = {}, baseUrl?: string) =>
  commonClient(provider, sandbox, { ...FAST, ...transport }, baseUrl);
const storedSha = (provider: Provider, id: string) => sandbox.objectSha256(sandbox[provider].keyOf(id) as string);
const completes = (provider: Provider) => completeCalls(sandbox, provider);

/** Record360's API through a proxy whose presigned part URLs point at `storeOrigin` (a store that misbehaves). */
const viaStore = <T>(storeOrigin: string, use: (apiOrigin: string) => Promise<T>): Promise<T> =>
  record360ViaStore(sandbox, storeOrigin).run(use);

/** The store, through a proxy that answers some part PUTs itself. */
const store = (intercept: ProxyOptions["intercept"]) => ({
  target: `http://${new URL(sandbox.store.gatewayOrigin).host}`,
  intercept,
});

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}
async function close(server: Server): Promise<void> {
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

describe("an API that redirects: not followed, and the error says where to and what to set", () => {
  it.each([301, 302, 303, 307, 308])("%i, for every provider", async (status) => {
    const elsewhere: IncomingMessage[] = [];
    const moved = createServer((req, res) => {
      elsewhere.push(req);
      res.writeHead(200).end("{}");
    });
    const movedOrigin = await listen(moved);
    const seen: IncomingMessage[] = [];
    const api = createServer((req, res) => {
      seen.push(req);
      req.resume();
      req.on("end", () =>
        res
          .writeHead(status, {
            location: `${movedOrigin.replace("//", "//user:hunter2@")}/moved-here${req.url}?token=leaked-query-secret`,
          })
          .end(),
      );
    });
    const apiOrigin = await listen(api);
    try {
      for (const provider of PROVIDERS) {
        const before = seen.length;
        const error = await client(provider, {}, apiOrigin)
          .uploadMedia(mp4(4 * KiB).path, COMMON)
          .catch((e: unknown) => e);
        expect(error, provider).toBeInstanceOf(ApiError);
        expect(error).toMatchObject({ status, kind: "redirect" });
        const message = (error as Error).message;
        expect(message).toMatch(new RegExp(`answered ${status}: the API redirected to ${movedOrigin.replaceAll(".", "\\.")}\\.`));
        expect(message).toMatch(/does not follow API redirects/);
        expect(message).toContain(`set the client's \`baseUrl\` to ${movedOrigin}`);
        for (const secret of ["leaked-query-secret", "hunter2", "moved-here", ...(secretsOf(sandbox)[provider] ?? [])])
          expect(message).not.toContain(secret);
        expect(seen.length - before, provider).toBe(1);
      }
      expect(elsewhere).toHaveLength(0);
    } finally {
      await close(api);
      await close(moved);
    }
  });

  it("a redirect to another path on the same origin says to check the path in baseUrl", async () => {
    const api = createServer((req, res) => {
      req.resume();
      req.on("end", () => res.writeHead(308, { location: `/api/v2${req.url}` }).end());
    });
    const origin = await listen(api);
    try {
      const error = await client("record360", {}, origin)
        .uploadMedia(mp4(4 * KiB).path, COMMON)
        .catch((e: unknown) => e);
      expect(error).toMatchObject({ status: 308, kind: "redirect" });
      expect((error as Error).message).toMatch(
        /redirected to another path on http:\/\/127\.0\.0\.1:\d+\..*check the path in the client's `baseUrl`/,
      );
    } finally {
      await close(api);
    }
  });
});

describe("weak ETags holding an MD5 are verified like strong ones", () => {
  async function partStore(etag: (body: Buffer) => string) {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => res.writeHead(200, { etag: etag(Buffer.concat(chunks)) }).end());
    });
    return { server, url: `${await listen(server)}/part` };
  }
  const upload = async (etag: (body: Buffer) => string) => {
    const warnings: string[] = [];
    const { server, url } = await partStore(etag);
    try {
      const source = await openSource(randomBytes(48 * KiB));
      const outcome = await uploadParts({
        source,
        parts: planParts(source.size, { minPartSize: 1, maxPartSize: 16 * KiB, maxParts: 10, partSize: 16 * KiB }),
        target: () => ({ url }),
        retry: { maxAttempts: 2, baseDelayMs: 1 },
        logger: { debug() {}, info() {}, warn: (line: string) => warnings.push(line), error() {} },
      }).catch((e: unknown) => e);
      return { outcome, warnings };
    } finally {
      await close(server);
    }
  };

  it.each([
    ['W/"<md5>"', (body: Buffer) => `W/"${md5(body)}"`],
    ['w/"<MD5>" (lower-case marker, upper-case hex)', (body: Buffer) => `w/"${md5(body).toUpperCase()}"`],
    ['"<md5>"', (body: Buffer) => `"${md5(body)}"`],
  ])("%s matching: accepted, verified, no warning", async (_, etag) => {
    const { outcome, warnings } = await upload(etag);
    expect(outcome).toHaveLength(3);
    expect(warnings).toEqual([]);
  });

  it.each([
    ['W/"<other md5>"', () => `W/"${randomBytes(16).toString("hex")}"`],
    ["w/<other md5> unquoted", () => `w/${randomBytes(16).toString("hex")}`],
  ])("%s: an IntegrityError, after the retry", async (_, etag) => {
    const { outcome } = await upload(etag);
    expect(outcome).toBeInstanceOf(IntegrityError);
    expect(outcome).toMatchObject({ code: "PART_ETAG_MISMATCH" });
  });

  it.each([
    ['W/"v1-opaque"', () => 'W/"v1-opaque"', "UPLOADKIT_WEAK_ETAG"],
    ['"opaque-3f2a"', () => '"opaque-3f2a"', "UPLOADKIT_ETAG_OPAQUE"],
  ])("%s (no MD5): accepted unverified, with a warning", async (_, etag, code) => {
    const { outcome, warnings } = await upload(etag);
    expect(outcome).toHaveLength(3);
    expect(warnings.some((line) => line.includes(code))).toBe(true);
  });

  it("Record360 against a store answering weak ETags of other bytes: an IntegrityError and no complete call", async () => {
    const before = completes("record360");
    const error = await withProxy(
      store(() => ({ status: 200, headers: { etag: `W/"${randomBytes(16).toString("hex")}"` } })),
      (storeOrigin) => viaStore(storeOrigin, (origin) => client("record360", {}, origin).uploadMedia(mp4(64 * KiB).path, COMMON)),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IntegrityError);
    expect(completes("record360")).toBe(before);
  });
});

describe("a part answered 200 with an S3 <Error> body is classified by its code", () => {
  const s3Error = (code: string) => `<?xml version="1.0" encoding="UTF-8"?>
<Error><Code>${code}</Code><Message>the ${code} message</Message><RequestId>4442587FB7D0A2F9</RequestId></Error>`;

  it.each(["InternalError", "SlowDown", "ServiceUnavailable", "RequestTimeout"])(
    "%s: retried by the part retry policy, then stored (sha256 compared)",
    async (code) => {
      const { path, bytes } = mp4(64 * KiB);
      const events: TransportEvent[] = [];
      const result = await withProxy(
        store((req, count) => (count === 1 && req.method === "PUT" ? { status: 200, body: s3Error(code) } : undefined)),
        (storeOrigin) =>
          viaStore(storeOrigin, (origin) =>
            client("record360", { onRetry: (e: TransportEvent) => events.push(e) }, origin).uploadMedia(path, COMMON),
          ),
      );
      expect(events).toHaveLength(1);
      expect(events[0]?.reason).toContain(code);
      expect(await storedSha("record360", result.id)).toBe(sha256(bytes));
    },
  );

  it.each(["AccessDenied", "InvalidPart", "NoSuchUpload", "EntityTooSmall", "InvalidArgument", "NotImplemented"])(
    "%s: fails at once, naming the code, with no complete call",
    async (code) => {
      const before = completes("record360");
      let puts = 0;
      const events: TransportEvent[] = [];
      const error = await withProxy(
        store((req) => {
          if (req.method !== "PUT") return undefined;
          puts++;
          return { status: 200, body: s3Error(code) };
        }),
        (storeOrigin) =>
          viaStore(storeOrigin, (origin) =>
            client("record360", { onRetry: (e: TransportEvent) => events.push(e) }, origin).uploadMedia(
              mp4(64 * KiB).path,
              COMMON,
            ),
          ),
      ).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PartUploadError);
      expect((error as Error).message).toContain(code);
      expect(error).toMatchObject({ attempts: 1 });
      expect(events).toHaveLength(0);
      expect(puts).toBe(1);
      expect(completes("record360")).toBe(before);
    },
  );

  it("a retryable code that never clears fails after the policy's attempts, naming it", async () => {
    let puts = 0;
    const error = await withProxy(
      store((req) => {
        if (req.method !== "PUT") return undefined;
        puts++;
        return { status: 200, body: s3Error("SlowDown") };
      }),
      (storeOrigin) => viaStore(storeOrigin, (origin) => client("record360", {}, origin).uploadMedia(mp4(64 * KiB).path, COMMON)),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PartUploadError);
    expect((error as Error).message).toMatch(/S3 error SlowDown: the SlowDown message/);
    expect(puts).toBe(FAST.retry.maxAttempts);
  });
});

describe("retry.maxRetryAfterMs: a longer wait asked for fails at once, naming it; a shorter one is obeyed", () => {
  const asks = [
    ["seconds", "3600", /asked to wait 60 min/],
    ["an HTTP date", new Date(Date.now() + 2 * 3_600_000).toUTCString(), /asked to wait (119|120) min/],
    ["one second over the bound", "2", /asked to wait 2 s/],
  ] as const;

  it.each(asks)("an API call answered 429 with Retry-After in %s", async (_, retryAfter, wait) => {
    let seen = 0;
    const events: TransportEvent[] = [];
    const error = await withProxy(
      {
        target: sandbox.record360.baseUrl,
        intercept: () => {
          seen++;
          return { status: 429, headers: { "retry-after": retryAfter }, body: '{"error":"slow down"}' };
        },
      },
      (origin) =>
        client(
          "record360",
          { retry: { ...FAST.retry, maxRetryAfterMs: 1000 }, onRetry: (e: TransportEvent) => events.push(e) },
          origin,
        ).uploadMedia(mp4(4 * KiB).path, COMMON),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 429, kind: "rate_limit" });
    expect((error as Error).message).toMatch(wait);
    expect((error as Error).message).toMatch(/longer than retry\.maxRetryAfterMs \(1 s\)/);
    expect(seen).toBe(1);
    expect(events).toHaveLength(0);
  });

  it.each(asks)("a part answered 503 with Retry-After in %s", async (_, retryAfter, wait) => {
    let puts = 0;
    const error = await withProxy(
      store((req) => {
        if (req.method !== "PUT") return undefined;
        puts++;
        return { status: 503, headers: { "retry-after": retryAfter } };
      }),
      (storeOrigin) =>
        viaStore(storeOrigin, (origin) =>
          client("record360", { retry: { ...FAST.retry, maxRetryAfterMs: 1000 } }, origin).uploadMedia(mp4(4 * KiB).path, COMMON),
        ),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PartUploadError);
    expect((error as Error).message).toMatch(wait);
    expect(puts).toBe(1);
  });

  it("a Retry-After within the bound is waited out, and the upload completes", async () => {
    const { path, bytes } = mp4(4 * KiB);
    const events: TransportEvent[] = [];
    const result = await withProxy(
      {
        target: sandbox.fanvue.baseUrl,
        intercept: (_req, count) => (count === 1 ? { status: 429, headers: { "retry-after": "0.05" } } : undefined),
      },
      (origin) =>
        client(
          "fanvue",
          { retry: { ...FAST.retry, maxRetryAfterMs: 1000 }, onRetry: (e: TransportEvent) => events.push(e) },
          origin,
        ).uploadMedia(path, COMMON),
    );
    expect(events).toEqual([expect.objectContaining({ delayMs: 50 })]);
    expect(await storedSha("fanvue", result.id)).toBe(sha256(bytes));
  });
});

describe("hashing waits for the shared part budget", () => {
  it("uploadMany of 200 queued files: at most concurrency + 4 look-ahead MD5 ranges (and descriptors) open at once", async () => {
    const folder = join(dir, "queued");
    const { mkdirSync } = await import("node:fs");
    mkdirSync(folder);
    const files = Array.from({ length: 200 }, () => mp4(96 * KiB, folder));
    // Descriptors open on the queued files, by this process and its hashing worker, sampled as every part moves.
    let most = 0;
    const openOnFiles = () => {
      let open = 0;
      for (const fd of readdirSync("/proc/self/fd")) {
        try {
          if (readlinkSync(`/proc/self/fd/${fd}`).startsWith(folder)) open++;
        } catch {}
      }
      most = Math.max(most, open);
    };
    const concurrency = 4;
    const outcomes = await client("ofauth").uploadMany(
      files.map((file) => ({ input: file.path, options: { ...COMMON, onProgress: openOnFiles } })),
      { concurrency, filesConcurrency: 16 },
    );
    expect(outcomes.filter((outcome) => !outcome.ok).slice(0, 1)).toEqual([]);
    for (const [index, outcome] of outcomes.slice(0, 10).entries()) {
      if (outcome.ok) expect(await storedSha("ofauth", outcome.result.id)).toBe(sha256(files[index]?.bytes as Buffer));
    }
    // Per part in flight: its read and its MD5 range; plus the four look-ahead ranges shared by all files; plus a few
    // files being opened (their edges read). Measured: 5. Before hashing waited for the budget, every file in flight
    // started its next five MD5s before waiting for a slot: 29 here, up to 16 files × 5 ranges.
    console.log(`most descriptors open on the queued files: ${most}`);
    expect(most).toBeGreaterThan(0);
    expect(most).toBeLessThanOrEqual(2 * concurrency + 4 + 4);
  });
});

describe("timeoutMs bounds the wait for every answer, once the request is sent", () => {
  it.each([
    ["record360", "GET", FAST.retry.maxAttempts],
    ["fanvue", "POST", 1],
  ] as const)(
    "an API call (%s's first, a %s) to a server that reads it and never answers: API_TIMEOUT, sent %i time(s)",
    async (provider, method, times) => {
      let seen = 0;
      const error = await withProxy(
        {
          target: sandbox[provider].baseUrl,
          intercept: (req) => {
            expect(req.method).toBe(method);
            seen++;
            return "silent";
          },
        },
        (origin) => client(provider, { timeoutMs: 300, stallTimeoutMs: 60_000 }, origin).uploadMedia(mp4(4 * KiB).path, COMMON),
      ).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: "API_TIMEOUT" });
      expect((error as Error).message).toMatch(/no response within 300 ms/);
      expect(seen).toBe(times);
    },
  );

  it("a part PUT to a store that reads it and never answers: retried (repeatable), then a PartUploadError", async () => {
    const silent = silentOn("PUT");
    const error = await withProxy(store(silent.intercept), (storeOrigin) =>
      viaStore(storeOrigin, (origin) =>
        client("record360", { timeoutMs: 300, stallTimeoutMs: 60_000 }, origin).uploadMedia(mp4(64 * KiB).path, COMMON),
      ),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PartUploadError);
    expect((error as Error).message).toMatch(/no answer within 300 ms after the request was sent \(timeoutMs\)/);
    expect(silent.count()).toBe(FAST.retry.maxAttempts);
  });

  it("OFAuth's single PUT (not repeatable): asks the vault before sending again, and ends with API_TIMEOUT", async () => {
    const silent = silentOn("PUT");
    const error = await apiProxy(sandbox, "ofauth", { intercept: silent.intercept })
      .run((origin) =>
        client("ofauth", { timeoutMs: 300, stallTimeoutMs: 60_000 }, origin).uploadMedia(mp4(4 * KiB).path, COMMON),
      )
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UploadkitError);
    expect(error).toMatchObject({ code: "API_TIMEOUT" });
    expect((error as Error).message).toMatch(/no answer within 300 ms/);
    expect(silent.count()).toBeGreaterThanOrEqual(1);
    expect(silent.count()).toBeLessThanOrEqual(FAST.retry.maxAttempts);
  });

  it("Flowkiwi's form-data POST (not repeatable): API_TIMEOUT after one attempt", async () => {
    const silent = silentOn("POST");
    const error = await withProxy(
      {
        target: sandbox.flowkiwi.baseUrl,
        intercept: silent.intercept,
      },
      (origin) => client("flowkiwi", { timeoutMs: 300, stallTimeoutMs: 60_000 }, origin).uploadMedia(mp4(64 * KiB).path, COMMON),
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "API_TIMEOUT" });
    expect((error as Error).message).toMatch(/no answer within 300 ms after the request was sent \(timeoutMs\)/);
    expect(silent.count()).toBe(1);
  });

  it("Flowkiwi with retryUnsafe: the POST is sent again per the policy", async () => {
    const silent = silentOn("POST");
    const error = await withProxy(
      {
        target: sandbox.flowkiwi.baseUrl,
        intercept: silent.intercept,
      },
      (origin) =>
        client("flowkiwi", { timeoutMs: 300, stallTimeoutMs: 60_000 }, origin).uploadMedia(mp4(4 * KiB).path, {
          ...COMMON,
          retryUnsafe: true,
        }),
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "API_TIMEOUT" });
    expect(silent.count()).toBe(FAST.retry.maxAttempts);
  });
});

// Hostile servers and careless input, classes 1–4 (hostile-resume.test.ts has 5–8, hostile-retries.test.ts 9–12).
// Every case goes through the public API against the sandbox or a server that misbehaves on purpose, and each can fail.
import { randomBytes } from "node:crypto";
import { truncateSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import { inspect } from "node:util";
import { gzipSync } from "node:zlib";
import { createFanvueClient } from "@uploadkit/fanvue";
import {
  ApiError,
  InputError,
  PartUploadError,
  ProviderResponseError,
  type TransportEvent,
  UploadkitError,
  type UploadProgress,
} from "@uploadkit/multipart";
import { describe, expect, it } from "vitest";
import { PROVIDERS, type Provider, secretsOf } from "./support/clients.js";
import { MP4_HEAD } from "./support/fixtures.js";
import {
  apiProxy,
  COMMON,
  client,
  completes,
  count,
  FAST,
  MiB,
  mp4,
  PLAN,
  record360ViaStore,
  recorder,
  sandbox,
} from "./support/hostile-harness.js";
import { withProxy } from "./support/proxy.js";

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

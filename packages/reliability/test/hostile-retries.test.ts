// Hostile servers and careless input, classes 9–12 (hostile.test.ts has 1–4, hostile-resume.test.ts 5–8).
// Every case goes through the public API against the sandbox or a server that misbehaves on purpose, and each can fail.
import { randomBytes } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import { createFlowkiwiClient } from "@uploadkit/flowkiwi";
import {
  ApiError,
  InputError,
  openSource,
  PartUploadError,
  ProviderResponseError,
  planParts,
  type TransportEvent,
  uploadParts,
} from "@uploadkit/multipart";
import { describe, expect, it } from "vitest";
import {
  apiProxy,
  COMMON,
  client,
  completes,
  count,
  FAST,
  mp4,
  record360ViaStore,
  sandbox,
  sha256,
  storedSha,
} from "./support/hostile-harness.js";
import { withProxy } from "./support/proxy.js";

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

// What real stores and servers answer that still broke uploads (issue: what providers really publish and what real
// stores really answer), part one: redirects, weak ETags and 200s carrying S3 errors (servers-that-wait.test.ts has
// the rest). Each class is tried through the public API, against the sandbox or a server that misbehaves on purpose,
// across the class of input.
import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage } from "node:http";
import {
  ApiError,
  IntegrityError,
  openSource,
  PartUploadError,
  planParts,
  type TransportEvent,
  uploadParts,
} from "@uploadkit/multipart";
import { describe, expect, it } from "vitest";
import { PROVIDERS, secretsOf } from "./support/clients.js";
import { withProxy } from "./support/proxy.js";
import {
  COMMON,
  client,
  close,
  completes,
  FAST,
  KiB,
  listen,
  md5,
  mp4,
  sandbox,
  sha256,
  store,
  storedSha,
  viaStore,
} from "./support/stores-harness.js";

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

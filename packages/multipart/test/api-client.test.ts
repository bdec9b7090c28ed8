import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { type RecordingServer, sendJson, startRecordingServer } from "@uploadkit/testkit";
import { afterEach, describe, expect, it } from "vitest";
import { createApiFetch } from "../src/core/api/api-fetch.js";
import { createApiClient } from "../src/core/api/create-api-client.js";
import { unwrap } from "../src/core/api/unwrap.js";
import { ApiError, UploadkitError } from "../src/core/errors.js";
import { resolveRetry } from "../src/core/retry-policy.js";
import { VERSION } from "../src/core/version.js";

interface paths {
  "/things/{id}": {
    get: {
      parameters: { path: { id: string } };
      responses: {
        200: { content: { "application/json": { id: string } } };
        default: { content: { "application/json": unknown } };
      };
    };
  };
  "/things": {
    post: {
      requestBody: { content: { "application/json": { name: string } } };
      responses: {
        201: { content: { "application/json": { id: string } } };
        default: { content: { "application/json": unknown } };
      };
    };
  };
}

const FAST_RETRY = { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 20, maxRetryAfterMs: 100 };
const SECRET = "tok_live_5ecret";
let server: RecordingServer;
afterEach(async () => {
  await server?.close();
  server = undefined as unknown as RecordingServer;
});

function client(extra: Partial<Parameters<typeof createApiClient>[0]> = {}) {
  return createApiClient<paths>({
    baseUrl: server.origin,
    credentials: { Authorization: `Bearer ${SECRET}` },
    headers: { "X-Api-Version": "2025-06-26" },
    userAgent: "my-app/1.0",
    retry: FAST_RETRY,
    ...extra,
  });
}

describe("createApiClient", () => {
  it("sends credentials, version header and User-Agent to the API origin", async () => {
    server = await startRecordingServer((_request, response) => sendJson(response, 200, { id: "t1" }));
    const data = await unwrap(client().GET("/things/{id}", { params: { path: { id: "t1" } } }));
    expect(data).toEqual({ id: "t1" });
    const [sent] = server.requests;
    expect(sent?.headers.authorization).toBe(`Bearer ${SECRET}`);
    expect(sent?.headers["x-api-version"]).toBe("2025-06-26");
    expect(sent?.headers["user-agent"]).toBe(`my-app/1.0 uploadkit/${VERSION}`);
  });

  it("never sends credentials to another origin", async () => {
    server = await startRecordingServer((_request, response) => sendJson(response, 200, {}));
    const apiFetch = createApiFetch({
      apiOrigin: "https://api.example.com",
      credentials: { Authorization: `Bearer ${SECRET}`, apiKey: SECRET },
      retry: resolveRetry(FAST_RETRY),
    });
    await apiFetch(new Request(`${server.origin}/elsewhere`));
    expect(server.requests[0]?.headers.authorization).toBeUndefined();
    expect(server.requests[0]?.headers.apikey).toBeUndefined();
  });

  it("retries a GET on 503 and honours Retry-After", async () => {
    let calls = 0;
    server = await startRecordingServer((_request, response) =>
      ++calls < 3 ? sendJson(response, 503, { message: "busy" }, { "retry-after": "0" }) : sendJson(response, 200, { id: "t" }),
    );
    expect(await unwrap(client().GET("/things/{id}", { params: { path: { id: "t" } } }))).toEqual({ id: "t" });
    expect(server.requests).toHaveLength(3);
  });

  it("retries a POST only when the server says it was not processed (429/503)", async () => {
    let calls = 0;
    server = await startRecordingServer((_request, response) =>
      ++calls === 1
        ? sendJson(response, 429, { message: "slow down" }, { "retry-after": "0" })
        : sendJson(response, 201, { id: "new" }),
    );
    expect(await unwrap(client().POST("/things", { body: { name: "a" } }))).toEqual({ id: "new" });
    expect(server.requests.map((r) => r.bodyText)).toEqual(['{"name":"a"}', '{"name":"a"}']);
    await server.close();
    server = await startRecordingServer((_request, response) => sendJson(response, 500, { message: "boom" }));
    await expect(unwrap(client().POST("/things", { body: { name: "a" } }))).rejects.toMatchObject({
      status: 500,
      kind: "server",
    });
    expect(server.requests).toHaveLength(1);
  });

  it("retries a POST whose connection was refused (the server never saw it)", async () => {
    server = await startRecordingServer(() => {});
    const deadOrigin = server.origin;
    await server.close();
    const error = await unwrap(
      createApiClient<paths>({ baseUrl: deadOrigin, credentials: {}, retry: FAST_RETRY }).POST("/things", {
        body: { name: "a" },
      }),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UploadkitError);
    expect((error as Error).message).toMatch(/failed after 3 attempts: network error ECONNREFUSED/);
    server = await startRecordingServer(() => {});
  });

  it("gives up on a server that never answers, within its time limit", async () => {
    server = await startRecordingServer(() => {});
    const error = await unwrap(client({ timeoutMs: 200 }).GET("/things/{id}", { params: { path: { id: "x" } } })).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: "API_TIMEOUT" });
    expect((error as Error).message).toMatch(/no response within 200 ms/);
    expect(server.requests).toHaveLength(3);
  });
});

describe("time limits", () => {
  it("still apply while garbage collections run (the timeout must reach the pending fetch)", async () => {
    const script = fileURLToPath(new URL("./support/timeout-under-gc.mjs", import.meta.url));
    const { stdout } = await promisify(execFile)(process.execPath, ["--expose-gc", script]);
    expect(stdout.trim().split("\n")).toEqual(Array(5).fill("API_TIMEOUT"));
  }, 60_000);
});

describe("typed API errors from every documented body shape", () => {
  const cases: [string, number, unknown, Record<string, string>, Partial<ApiError>, RegExp][] = [
    ["Fanvue message", 401, { message: "Unauthorized" }, {}, { kind: "auth" }, /GET \/things\/x failed with 401: Unauthorized/],
    [
      "Fanvue validation",
      400,
      { errors: ["filename too long", "name empty"] },
      {},
      { kind: "bad_request" },
      /filename too long; name empty/,
    ],
    [
      "Fanvue sunset",
      410,
      { error: "SunsetVersion", message: "Version retired", nextVersion: "2026-01-01" },
      {},
      { kind: "gone", providerCode: "SunsetVersion" },
      /Version retired/,
    ],
    [
      "OFAuth typed",
      429,
      { error: "Rate limit exceeded", type: "RATE_LIMIT_EXCEEDED", requestId: "req_123" },
      { "retry-after": "30" },
      { kind: "rate_limit", providerCode: "RATE_LIMIT_EXCEEDED", requestId: "req_123", retryAfterSeconds: 30 },
      /Rate limit exceeded \(request id req_123\)/,
    ],
    [
      "OFAuth coded",
      403,
      { error: "Insufficient scope", code: "AUTH_INSUFFICIENT_SCOPE", details: {} },
      { "x-request-id": "hdr-9" },
      { kind: "permission", providerCode: "AUTH_INSUFFICIENT_SCOPE", requestId: "hdr-9" },
      /Insufficient scope/,
    ],
    [
      "Flowkiwi violations",
      422,
      {
        "@type": "ConstraintViolation",
        title: "An error occurred",
        violations: [{ propertyPath: "file", message: "too large" }],
      },
      {},
      { kind: "validation" },
      /An error occurred — violations: file: too large/,
    ],
    [
      "Flowkiwi permission",
      403,
      { title: "Access Denied.", detail: "Access Denied.", missingPermissions: ["identity:media:write"] },
      {},
      { kind: "permission" },
      /Access Denied\. — missing permissions: identity:media:write/,
    ],
    ["Record360 errors", 404, { errors: "Not Found" }, {}, { kind: "not_found" }, /failed with 404: Not Found/],
  ];
  for (const [name, status, body, headers, expected, message] of cases) {
    it(name, async () => {
      server = await startRecordingServer((_request, response) => sendJson(response, status, body, headers));
      const error = await unwrap(
        client({ retry: { maxAttempts: 1 } }).GET("/things/{id}", { params: { path: { id: "x" } } }),
      ).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ApiError);
      expect(error).toMatchObject({ status, method: "GET", path: "/things/x", ...expected });
      expect((error as Error).message).toMatch(message);
      expect((error as Error).message).not.toContain(SECRET);
    });
  }

  it("an HTML error page", async () => {
    server = await startRecordingServer((_request, response) => {
      response.writeHead(502, { "content-type": "text/html" }).end("<html><body><h1>502 Bad Gateway</h1></body></html>");
    });
    const error = await unwrap(
      client({ retry: { maxAttempts: 1 } }).GET("/things/{id}", { params: { path: { id: "x" } } }),
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 502, kind: "server" });
    expect((error as Error).message).toMatch(/an HTML or XML page instead of the expected response/);
  });

  it("a 5 MB error body is read only up to 64 KiB", async () => {
    server = await startRecordingServer((_request, response) => {
      response.writeHead(500, { "content-type": "text/plain" }).end("x".repeat(5 * 1024 * 1024));
    });
    const error = (await unwrap(
      client({ retry: { maxAttempts: 1 } }).GET("/things/{id}", { params: { path: { id: "x" } } }),
    ).catch((e: unknown) => e)) as ApiError;
    expect(error.status).toBe(500);
    expect(String(error.body).length).toBe(64 * 1024);
  });

  it("a malformed JSON success body", async () => {
    server = await startRecordingServer((_request, response) => {
      response.writeHead(200, { "content-type": "application/json" }).end('{"id": "t1",');
    });
    const error = await unwrap(client().GET("/things/{id}", { params: { path: { id: "x" } } })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UploadkitError);
    expect(error).toMatchObject({ code: "API_MALFORMED_BODY" });
  });
});

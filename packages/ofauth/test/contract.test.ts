import { ApiError, unwrap } from "@uploadkit/multipart";
import { type PrismServer, prefer, startPrism } from "@uploadkit/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOfauthClient } from "../src/index.js";

// Prism mocks the OFAuth spec with --errors: requests that violate it are refused.
let prism: PrismServer;
beforeAll(async () => {
  prism = await startPrism({ provider: "ofauth" });
});
afterAll(() => prism?.stop());

const id = "upload:550e8400-e29b-41d4-a716-446655440000";
const client = (fetchImpl?: typeof fetch) =>
  createOfauthClient({
    apiKey: "key_contract",
    connectionId: "conn_contract",
    baseUrl: prism.origin,
    retry: { maxAttempts: 1 },
    fetch: fetchImpl,
  });

/** Adds a Prefer header to the calls whose path matches. */
const preferring =
  (match: RegExp, header: Record<string, string>): typeof fetch =>
  (input, init) => {
    const request = new Request(input as Request, init);
    if (match.test(new URL(request.url).pathname)) for (const [k, v] of Object.entries(header)) request.headers.set(k, v);
    return fetch(request);
  };

describe("every OFAuth operation passes Prism's request validation", () => {
  it("init, single PUT, part PUT, complete, check through the typed api", async () => {
    const { api } = client();
    const init = await unwrap(
      api.POST("/v2/access/uploads/init", {
        body: { filename: "a.mp4", size: 10, contentType: "video/mp4", vaultUpload: { mode: "message", userId: null } },
      }),
    );
    expect(init.mediaUploadId).toMatch(/^upload:/);
    const bytes = new Uint8Array([1, 2, 3]);
    await unwrap(
      api.PUT("/v2/access/uploads/{mediaUploadId}", {
        params: { path: { mediaUploadId: id } },
        body: bytes as never,
        bodySerializer: (b) => b as never,
        headers: { "content-type": "application/octet-stream" },
      }),
    );
    const part = await unwrap(
      api.PUT("/v2/access/uploads/{mediaUploadId}/parts/{partNumber}", {
        params: { path: { mediaUploadId: id, partNumber: 1 } },
        body: bytes as never,
        bodySerializer: (b) => b as never,
        headers: { "content-type": "application/octet-stream" },
      }),
    );
    expect(part.etag).toBeTruthy();
    expect((await unwrap(api.POST("/v2/access/uploads/complete", { body: { mediaUploadId: id } }))).mediaUploadId).toBe(id);
    expect(
      await unwrap(api.POST("/v2/access/uploads/check", { body: { etag: "9b2cf535f27731c974343645a3985328", size: 10 } })),
    ).toEqual({ exists: false });
  });

  it("uploadMedia's calls pass validation (id-only init → single PUT)", async () => {
    const ofauth = client(preferring(/\/init$/, { Prefer: "example=idOnly" }));
    const result = await ofauth.uploadMedia(Buffer.from("hello vault"), { filename: "note.txt", contentType: "text/plain" });
    expect(result).toMatchObject({ mediaUploadId: id, media: { type: "photo" } });
  });

  it("refuses a plan whose part URLs are on another origin, before sending any part", async () => {
    const ofauth = client(preferring(/\/init$/, { Prefer: "example=plan" }));
    const bytes = Buffer.alloc(7_340_032, 1);
    await expect(ofauth.uploadMedia(bytes, { filename: "clip.mp4" })).rejects.toMatchObject({
      code: "OFAUTH_PART_URL_FOREIGN_ORIGIN",
    });
  });
});

describe("documented errors become typed errors with the request id", () => {
  const cases: [number, string, RegExp][] = [
    [400, "bad_request", /size must be greater than 0 \(request id req_8f2a\)/],
    [401, "auth", /Invalid API key/],
    [403, "permission", /Insufficient scope/],
    [404, "not_found", /Upload not found/],
    [422, "validation", /Part missing/],
    [429, "rate_limit", /Rate limit exceeded/],
    [500, "server", /Unknown error/],
  ];
  for (const [status, kind, message] of cases) {
    it(`${status} → ApiError(${kind})`, async () => {
      const error = await unwrap(
        client().api.POST("/v2/access/uploads/complete", { body: { mediaUploadId: id }, headers: prefer(status) }),
      ).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ApiError);
      expect(error).toMatchObject({ status, kind });
      expect((error as Error).message).toMatch(message);
      expect((error as Error).message).not.toContain("key_contract");
    });
  }
});

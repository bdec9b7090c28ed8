import { ApiError, unwrap } from "@uploadkit/multipart";
import { type PrismServer, prefer, startPrism } from "@uploadkit/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRecord360Client } from "../src/index.js";

let prism: PrismServer;
beforeAll(async () => {
  prism = await startPrism({ provider: "record360" });
});
afterAll(() => prism?.stop());

const client = () => createRecord360Client({ token: "jwt.contract.token", baseUrl: prism.origin, retry: { maxAttempts: 1 } });

describe("every Record360 operation passes Prism's request validation", () => {
  it("start, complete and the single-upload URL", async () => {
    const { api } = client();
    const start = await unwrap(
      api.GET("/api/users/multipart_upload_start/{file_id}", {
        params: { path: { file_id: "f1" }, query: { part_count: 3, content_type: "video/mp4" } },
      }),
    );
    expect(start.presigned_urls.length).toBeGreaterThan(0);
    const done = await unwrap(
      api.POST("/api/users/multipart_upload_complete/{file_id}", {
        params: { path: { file_id: "f1" } },
        body: { upload_id: start.upload_id, parts: [{ part_number: 1, etag: '"e"' }] },
      }),
    );
    expect(done).toMatchObject({ id: expect.any(String), filesize: expect.any(Number) });
    expect(await unwrap(api.GET("/api/users/uploads/{file_id}", { params: { path: { file_id: "f2" } } }))).toMatchObject({
      upload_url: expect.any(String),
    });
  });

  it("refuses an out-of-range part_count (the harness can fail)", async () => {
    const call = client().api.GET("/api/users/multipart_upload_start/{file_id}", {
      params: { path: { file_id: "f" }, query: { part_count: 21 } },
    });
    await expect(unwrap(call)).rejects.toBeInstanceOf(ApiError);
  });
});

describe("documented errors become typed errors", () => {
  const cases: [number, string, RegExp][] = [
    [400, "bad_request", /content_type is not a supported media type/],
    [401, "auth", /Not Authenticated/],
    [403, "permission", /Forbidden/],
    [404, "not_found", /Not Found/],
    [422, "validation", /Part 2 is missing/],
    [429, "rate_limit", /Rate limit exceeded/],
    [500, "server", /Internal Server Error/],
  ];
  for (const [status, kind, message] of cases) {
    it(`${status} → ApiError(${kind})`, async () => {
      const call = client().api.POST("/api/users/multipart_upload_complete/{file_id}", {
        params: { path: { file_id: "f1" } },
        body: { upload_id: "u", parts: [{ part_number: 1, etag: "e" }] },
        headers: prefer(status),
      });
      const error = await unwrap(call).catch((e: unknown) => e);
      expect(error).toMatchObject({ status, kind });
      expect((error as Error).message).toMatch(message);
      expect((error as Error).message).not.toContain("jwt.contract.token");
    });
  }
});

import { ApiError, unwrap } from "@uploadkit/multipart";
import { type PrismServer, prefer, startPrism } from "@uploadkit/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFanvueClient } from "../src/index.js";

// Prism mocks the Fanvue spec with --errors: a request that violates the spec is answered with an error,
// so every call below that succeeds was a valid request.
let prism: PrismServer;
beforeAll(async () => {
  prism = await startPrism({ provider: "fanvue" });
});
afterAll(() => prism?.stop());

const creator = "0b6e1c9e-5a4f-4c83-9a4e-2f1d8b7c6a50";
const mediaUuid = "d4e5f6a7-b8c9-4d0e-9f1a-2b3c4d5e6f70";
const client = () => createFanvueClient({ token: "contract-token", baseUrl: prism.origin, retry: { maxAttempts: 1 } });

describe("every Fanvue operation passes Prism's request validation", () => {
  it("create, part URL, complete and media lookup — user and creator routes", async () => {
    const { api } = client();
    const body = { name: "Sunset", filename: "sunset.jpg", mediaType: "image" as const };
    expect(await unwrap(api.POST("/media/uploads", { body }))).toMatchObject({ uploadId: expect.any(String) });
    expect(
      await unwrap(
        api.POST("/creators/{creatorUserUuid}/media/uploads", { params: { path: { creatorUserUuid: creator } }, body }),
      ),
    ).toMatchObject({
      mediaUuid: expect.any(String),
    });
    const path = { uploadId: "abc123", partNumber: 1 };
    await unwrap(api.GET("/media/uploads/{uploadId}/parts/{partNumber}/url", { params: { path } }));
    await unwrap(
      api.GET("/creators/{creatorUserUuid}/media/uploads/{uploadId}/parts/{partNumber}/url", {
        params: { path: { ...path, creatorUserUuid: creator } },
      }),
    );
    const parts = { parts: [{ ETag: '"e1"', PartNumber: 1 }] };
    expect(
      await unwrap(api.PATCH("/media/uploads/{uploadId}", { params: { path: { uploadId: "abc123" } }, body: parts })),
    ).toEqual({ status: "processing" });
    await unwrap(
      api.PATCH("/creators/{creatorUserUuid}/media/uploads/{uploadId}", {
        params: { path: { creatorUserUuid: creator, uploadId: "abc123" } },
        body: parts,
      }),
    );
    expect(
      await unwrap(
        api.GET("/media/{uuid}", { params: { path: { uuid: mediaUuid }, query: { variants: ["main", "thumbnail"] } } }),
      ),
    ).toMatchObject({ status: "ready" });
    await unwrap(
      api.GET("/creators/{creatorUserUuid}/media/{uuid}", { params: { path: { creatorUserUuid: creator, uuid: mediaUuid } } }),
    );
  });

  it("a request that violates the spec is refused (the harness can fail)", async () => {
    const { api } = client();
    const invalid = api.POST("/media/uploads", { body: { name: "", filename: "x", mediaType: "pdf" as never } });
    await expect(unwrap(invalid)).rejects.toBeInstanceOf(ApiError);
  });
});

describe("documented error statuses become typed errors with the server's message", () => {
  const cases: [number, string, RegExp][] = [
    [400, "bad_request", /filename must be shorter than or equal to 255 characters/],
    [401, "auth", /Unauthorized/],
    [403, "permission", /Missing required scope write:media/],
    [404, "not_found", /Not found/],
    [410, "gone", /the API asks for 2026-01-01: set apiVersion: "2026-01-01"/],
    [429, "rate_limit", /Too many requests/],
  ];
  for (const [status, kind, message] of cases) {
    it(`${status} → ApiError(${kind})`, async () => {
      const failed = await unwrap(
        client().api.GET("/media/{uuid}", { params: { path: { uuid: mediaUuid } }, headers: prefer(status) }),
      ).catch((e: unknown) => e);
      expect(failed).toBeInstanceOf(ApiError);
      expect(failed).toMatchObject({ status, kind });
      expect((failed as Error).message).toMatch(status === 410 ? /API version 2025-06-26 is no longer supported/ : message);
    });
  }

  it("410 from uploadMedia and getMedia names the version to move to", async () => {
    const fanvue = createFanvueClient({
      token: "t",
      baseUrl: prism.origin,
      retry: { maxAttempts: 1 },
      fetch: (input) => {
        const request = new Request(input as Request);
        request.headers.set("Prefer", prefer(410).Prefer as string);
        return fetch(request);
      },
    });
    const error = await fanvue.getMedia(mediaUuid).catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 410, kind: "gone" });
    expect((error as Error).message).toMatch(cases[4]?.[2] as RegExp);
    await expect(fanvue.uploadMedia(Buffer.from("hello"), { filename: "a.txt" })).rejects.toThrow(/set apiVersion: "2026-01-01"/);
  });
});

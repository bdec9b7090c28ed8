import { type RecordingServer, sendJson, startRecordingServer } from "@uploadkit/testkit";
import createClient from "openapi-fetch";
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from "vitest";
import type { components, paths } from "../src/index.js";

type Schemas = components["schemas"];

describe("generated Fanvue types", () => {
  let server: RecordingServer;
  beforeAll(async () => {
    server = await startRecordingServer((request, response) => {
      if (request.method === "POST" && request.url === "/media/uploads") {
        sendJson(response, 200, { mediaUuid: "d4e5f6a7-b8c9-4d0e-9f1a-2b3c4d5e6f70", uploadId: "abc123" });
      } else sendJson(response, 404, { message: "Not found" });
    });
  });
  afterAll(() => server.close());

  it("drive a typed openapi-fetch client: request body and response are typed from the spec", async () => {
    const api = createClient<paths>({ baseUrl: server.origin });
    const { data, error } = await api.POST("/media/uploads", {
      params: { header: { "X-Fanvue-API-Version": "2025-06-26" } },
      body: { name: "sunset", filename: "sunset.jpg", mediaType: "image" },
    });
    expect(error).toBeUndefined();
    expect(data?.uploadId).toBe("abc123");
    const [sent] = server.requests;
    expect(sent?.headers["x-fanvue-api-version"]).toBe("2025-06-26");
    expect(JSON.parse(sent?.bodyText ?? "")).toEqual({ name: "sunset", filename: "sunset.jpg", mediaType: "image" });
  });

  it("turn the published `- value: image` enum items into plain string unions", () => {
    expectTypeOf<Schemas["MediaUploadsPostRequestBodyContentApplicationJsonSchemaMediaType"]>().toEqualTypeOf<
      "image" | "video" | "audio" | "document"
    >();
    expectTypeOf<Schemas["MediaUploadsUploadIdPatchResponsesContentApplicationJsonSchemaStatus"]>().toEqualTypeOf<
      "created" | "processing" | "ready" | "error"
    >();
  });

  it("cover the creator routes, part URLs and media lookup", () => {
    expectTypeOf<paths>().toHaveProperty("/creators/{creatorUserUuid}/media/uploads");
    expectTypeOf<paths>().toHaveProperty("/media/uploads/{uploadId}/parts/{partNumber}/url");
    expectTypeOf<paths>().toHaveProperty("/creators/{creatorUserUuid}/media/uploads/{uploadId}");
    expectTypeOf<paths>().toHaveProperty("/media/{uuid}");
    // As Fanvue's openapi.json publishes them: `error` and `message` required, `nextVersion` optional.
    expectTypeOf<Schemas["SunsetVersionResponse"]["error"]>().toEqualTypeOf<string>();
    expectTypeOf<Schemas["SunsetVersionResponse"]["nextVersion"]>().toEqualTypeOf<string | undefined>();
    // A full media record: `tags` may be null, `createdAt` may be null, `variants` only when asked for.
    expectTypeOf<Schemas["Media"]["tags"]>().toEqualTypeOf<Schemas["MediaTags"] | undefined>();
    expectTypeOf<null>().toMatchTypeOf<Schemas["Media"]["createdAt"]>();
    expectTypeOf<Schemas["MediaVariant"]["uuid"]>().toEqualTypeOf<string>();
  });
});

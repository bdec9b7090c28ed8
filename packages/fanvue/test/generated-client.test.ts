import { type RecordingServer, sendJson, startRecordingServer } from "@uploadkit/testkit";
import createClient from "openapi-fetch";
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from "vitest";
import { type components, createFanvueClient, type paths } from "../src/index.js";

type Schemas = components["schemas"];

describe("generated Fanvue types", () => {
  let server: RecordingServer;
  beforeAll(async () => {
    server = await startRecordingServer((request, response) => {
      if (request.method === "POST" && request.url === "/media/uploads") {
        sendJson(response, 200, { mediaUuid: "d4e5f6a7-b8c9-4d0e-9f1a-2b3c4d5e6f70", uploadId: "abc123" });
      } else if (request.method === "GET" && request.url?.startsWith("/media?")) {
        sendJson(response, 200, {
          data: [{ uuid: "d4e5f6a7-b8c9-4d0e-9f1a-2b3c4d5e6f70", status: "processing" }],
          pagination: { page: 1, size: 15, hasMore: false },
        });
      } else if (request.method === "GET" && request.url?.startsWith("/media/bulk?")) {
        sendJson(response, 200, {
          results: { "d4e5f6a7-b8c9-4d0e-9f1a-2b3c4d5e6f70": null },
          errors: [{ mediaUuid: "d4e5f6a7-b8c9-4d0e-9f1a-2b3c4d5e6f70", code: "NOT_FOUND", message: "Not found" }],
        });
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

  it("type every operation Fanvue publishes, not only the upload flow: media list and bulk reads without casts", async () => {
    const { api } = createFanvueClient({ token: "t", baseUrl: server.origin });
    const list = await api.GET("/media", { params: { query: { status: ["ready"], variants: ["main"], size: 15 } } });
    expect(list.data?.pagination.hasMore).toBe(false);
    expect(list.data?.data[0]?.status).toBe("processing");
    const bulk = await api.GET("/media/bulk", {
      params: { query: { mediaUuids: ["d4e5f6a7-b8c9-4d0e-9f1a-2b3c4d5e6f70"], variants: ["main", "thumbnail"] } },
    });
    expect(bulk.data?.errors[0]?.code).toBe("NOT_FOUND");
    const urls = server.requests.map((request) => decodeURIComponent(request.url ?? ""));
    expect(urls).toContain("/media?status=ready&variants=main&size=15");
    expect(urls).toContain("/media/bulk?mediaUuids=d4e5f6a7-b8c9-4d0e-9f1a-2b3c4d5e6f70&variants=main,thumbnail");
    for (const path of [
      "/media",
      "/creators/{creatorUserUuid}/media",
      "/media/bulk",
      "/chats",
      "/chats/{userUuid}/media",
      "/chats/{userUuid}/message",
      "/posts",
      "/users/me",
      "/insights/top-spenders",
      "/vault/folders",
      "/vault/folders/{folderName}/media",
    ] as const) {
      expectTypeOf<paths>().toHaveProperty(path);
    }
    expectTypeOf<paths["/media"]["get"]["parameters"]["query"]>().toMatchTypeOf<
      { status?: Schemas["MediaStatus"][]; variants?: Schemas["MediaVariantType"][] } | undefined
    >();
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

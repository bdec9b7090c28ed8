import { type RecordingServer, sendJson, startRecordingServer } from "@uploadkit/testkit";
import createClient from "openapi-fetch";
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from "vitest";
import type { components, paths } from "../src/index.js";

describe("generated Record360 types", () => {
  let server: RecordingServer;
  beforeAll(async () => {
    server = await startRecordingServer((request, response) => {
      const url = new URL(request.url, "http://x");
      const count = Number(url.searchParams.get("part_count"));
      sendJson(response, 200, {
        id: "file-1",
        upload_id: "up-1",
        key: "users/1/file-1",
        presigned_urls: Array.from({ length: count }, (_, i) => `https://bucket.example/k?partNumber=${i + 1}`),
      });
    });
  });
  afterAll(() => server.close());

  it("drive a typed openapi-fetch client: path and query parameters are serialised as the spec says", async () => {
    const api = createClient<paths>({ baseUrl: server.origin });
    const { data } = await api.GET("/api/users/multipart_upload_start/{file_id}", {
      params: { path: { file_id: "file-1" }, query: { part_count: 3, content_type: "video/mp4" } },
    });
    expect(data?.presigned_urls).toHaveLength(3);
    expect(server.requests[0]?.url).toBe("/api/users/multipart_upload_start/file-1?part_count=3&content_type=video%2Fmp4");
  });

  it("type the content_type allowlist", () => {
    expectTypeOf<components["schemas"]["ContentType"]>().toExtend<string>();
    expectTypeOf<"video/mp4">().toExtend<components["schemas"]["ContentType"]>();
    expectTypeOf<"application/pdf">().not.toExtend<components["schemas"]["ContentType"]>();
  });
});

import { type RecordingServer, sendJson, startRecordingServer } from "@uploadkit/testkit";
import createClient from "openapi-fetch";
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from "vitest";
import type { components, paths } from "../src/index.js";

type InitResponse = paths["/v2/access/uploads/init"]["post"]["responses"][200]["content"]["application/json"];

describe("generated OFAuth types", () => {
  let server: RecordingServer;
  beforeAll(async () => {
    server = await startRecordingServer((request, response) => {
      if (request.method === "POST" && request.url === "/v2/access/uploads/init") {
        sendJson(response, 200, { mediaUploadId: "upload:550e8400" }, { "x-ofauth-upload-total-parts": "1" });
      } else sendJson(response, 404, { error: "Route not found", type: "ROUTE_NOT_FOUND" });
    });
  });
  afterAll(() => server.close());

  it("drive a typed openapi-fetch client against the id-only init shape", async () => {
    const api = createClient<paths>({ baseUrl: server.origin });
    const { data, response } = await api.POST("/v2/access/uploads/init", {
      body: { filename: "clip.mp4", size: 1024, contentType: "video/mp4" },
    });
    expect(data?.mediaUploadId).toBe("upload:550e8400");
    expect(response.headers.get("x-ofauth-upload-total-parts")).toBe("1");
    expect(JSON.parse(server.requests[0]?.bodyText ?? "")).toEqual({
      filename: "clip.mp4",
      size: 1024,
      contentType: "video/mp4",
    });
  });

  it("accept both documented init shapes: only mediaUploadId is required", () => {
    expectTypeOf<InitResponse["mediaUploadId"]>().toEqualTypeOf<string>();
    expectTypeOf<InitResponse["parts"]>().toEqualTypeOf<
      { partNumber: number; uploadUrl: string; byteRange: { start: number; end: number } }[] | undefined
    >();
    expectTypeOf<components["schemas"]["UploadPartResult"]["etag"]>().toEqualTypeOf<string>();
  });

  it("model vaultUpload.userId as nullable (3.0 `nullable: true` normalised)", () => {
    type Body = NonNullable<paths["/v2/access/uploads/init"]["post"]["requestBody"]>["content"]["application/json"];
    expectTypeOf<NonNullable<Body["vaultUpload"]>["userId"]>().toEqualTypeOf<string | null | undefined>();
  });
});

import { type RecordingServer, sendJson, startRecordingServer } from "@uploadkit/testkit";
import createClient from "openapi-fetch";
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from "vitest";
import type { components, paths } from "../src/index.js";

describe("generated Flowkiwi types", () => {
  let server: RecordingServer;
  beforeAll(async () => {
    server = await startRecordingServer((_request, response) => {
      sendJson(
        response,
        200,
        { "@id": "/rest/api/medias", "@type": "hydra:Collection", "hydra:totalItems": 0, "hydra:member": [] },
        { "content-type": "application/ld+json" },
      );
    });
  });
  afterAll(() => server.close());

  it("drive a typed openapi-fetch client and parse the JSON-LD collection", async () => {
    const api = createClient<paths>({ baseUrl: server.origin });
    const { data } = await api.GET("/rest/api/medias", { params: { query: { page: 2, itemsPerPage: 10 } } });
    expect(data?.["hydra:member"]).toEqual([]);
    expect(server.requests[0]?.url).toBe("/rest/api/medias?page=2&itemsPerPage=10");
  });

  it("type the media resource", () => {
    expectTypeOf<components["schemas"]["Media"]["type"]>().toEqualTypeOf<"image" | "video" | "file" | undefined>();
    expectTypeOf<components["schemas"]["Media"]["hash"]>().toEqualTypeOf<string | null | undefined>();
  });
});

import { ApiError, unwrap } from "@uploadkit/multipart";
import { type PrismServer, prefer, sendJson, startPrism, startRecordingServer } from "@uploadkit/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFlowkiwiClient } from "../src/index.js";

let prism: PrismServer;
beforeAll(async () => {
  prism = await startPrism({ provider: "flowkiwi" });
});
afterAll(() => prism?.stop());

const id = "01234567-89ab-cdef-0123-456789abcdef";
const client = (fetchImpl?: typeof fetch) =>
  createFlowkiwiClient({
    token: "kiwi-contract-token",
    organizationId: "org_1",
    baseUrl: prism.origin,
    retry: { maxAttempts: 1 },
    fetch: fetchImpl,
  });

describe("every Flowkiwi operation passes Prism's request validation", () => {
  it("create (streamed multipart/form-data), get, list and delete", async () => {
    const kiwi = client();
    const media = await kiwi.uploadMedia(Buffer.from("a small text file"), { filename: "notes.txt", verifyHash: false });
    expect(media).toMatchObject({ "@id": expect.stringMatching(/^\/rest\/api\/medias\//), type: "image" });
    expect(await kiwi.getMedia(id)).toMatchObject({ id });
    const page = await kiwi.listMedia({ page: 1, itemsPerPage: 10, type: "image" });
    expect(page.members.length).toBeGreaterThan(0);
    await kiwi.deleteMedia(id);
  });

  it("a request without the organisation header is refused (the harness can fail)", async () => {
    const stripOrg: typeof fetch = (input, init) => {
      const request = new Request(input as Request, init);
      request.headers.delete("x-flowkiwi-organization-id");
      return fetch(request);
    };
    await expect(client(stripOrg).getMedia(id)).rejects.toMatchObject({ status: 401 });
  });
});

describe("documented errors become typed errors with title, detail and violations", () => {
  it("400 → ApiError(bad_request)", async () => {
    const form = new FormData();
    form.set("file", new File(["x"], "x.txt", { type: "text/plain" }));
    const call = client().api.POST("/rest/api/medias", {
      body: form as never,
      bodySerializer: (body) => body as never,
      headers: prefer(400),
    });
    const error = await unwrap(call).catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 400, kind: "bad_request" });
    expect((error as Error).message).toMatch(/An error occurred: The file "file" was not found in the request\./);
  });

  const cases: [number, string, RegExp][] = [
    [403, "permission", /Access Denied\. — missing permissions: identity:media:write/],
    [404, "not_found", /An error occurred: Not Found/],
  ];
  for (const [status, kind, message] of cases) {
    it(`${status} → ApiError(${kind})`, async () => {
      const error = await unwrap(
        client().api.GET("/rest/api/medias/{id}", { params: { path: { id } }, headers: prefer(status) }),
      ).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ApiError);
      expect(error).toMatchObject({ status, kind });
      expect((error as Error).message).toMatch(message);
    });
  }

  it("422 from uploadMedia carries the violations", async () => {
    const server = await startRecordingServer((_request, response) =>
      sendJson(response, 422, {
        "@type": "ConstraintViolation",
        title: "An error occurred",
        status: 422,
        violations: [{ propertyPath: "file", message: "The mime type of the file is invalid." }],
      }),
    );
    try {
      const kiwi = createFlowkiwiClient({ token: "t", organizationId: "o", baseUrl: server.origin });
      const error = await kiwi.uploadMedia(Buffer.from("x"), { filename: "a.txt" }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ApiError);
      expect(error).toMatchObject({ status: 422, kind: "validation", method: "POST", path: "/rest/api/medias" });
      expect((error as Error).message).toMatch(/violations: file: The mime type of the file is invalid\./);
      expect(server.requests).toHaveLength(1);
    } finally {
      await server.close();
    }
  });
});

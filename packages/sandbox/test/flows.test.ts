import { createSpecValidator, type PrismServer, startPrism } from "@uploadkit/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Sandbox, startSandbox } from "../src/index.js";
import { bytes, call, json, MiB, sha256 } from "./support/http.js";

// Every API call of each flow goes through `prism proxy <spec> <sandbox> --errors`, which validates the
// request and the sandbox's response against the provider's spec in both directions; `call` also fails on
// any reported violation. Part PUTs go to the store's presigned URLs, which are not part of the specs.
// Prism's proxy re-encodes binary and multipart bodies (the bytes arrive changed), so the two calls that carry
// file bytes through a provider's API — OFAuth's part PUT and Flowkiwi's multipart create — go to the sandbox
// directly and their responses are validated against the spec with ajv (createSpecValidator) instead.
let sandbox: Sandbox;
const proxies: PrismServer[] = [];
beforeAll(async () => {
  sandbox = await startSandbox({ fanvue: { processingMs: "manual" } });
});
afterAll(async () => {
  await Promise.all(proxies.map((p) => p.stop()));
  await sandbox?.stop();
});

async function proxy(provider: "fanvue" | "ofauth" | "record360" | "flowkiwi"): Promise<string> {
  const prism = await startPrism({ provider, upstream: sandbox[provider].baseUrl });
  proxies.push(prism);
  return prism.origin;
}

describe("scripted full flows through the sandbox behind the Prism proxy", () => {
  it("Fanvue: session → part URLs → S3 parts → complete → ready (creator route)", async () => {
    const api = await proxy("fanvue");
    const { token, creatorUserUuid } = sandbox.fanvue.credentials;
    const headers = {
      authorization: `Bearer ${token}`,
      "x-fanvue-api-version": "2025-06-26",
      "content-type": "application/json",
    };
    const file = bytes(11 * MiB + 3);
    const prefix = `${api}/creators/${creatorUserUuid}`;
    const session = await json<{ mediaUuid: string; uploadId: string }>(
      await call(`${prefix}/media/uploads`, {
        method: "POST",
        headers,
        body: JSON.stringify({ name: "Clip", filename: "clip.mp4", mediaType: "video" }),
      }),
    );
    const parts: { ETag: string; PartNumber: number }[] = [];
    for (const [index, start] of [0, 5 * MiB, 10 * MiB].entries()) {
      const { url } = await json<{ url: string }>(
        await call(`${prefix}/media/uploads/${session.uploadId}/parts/${index + 1}/url`, { headers }),
      );
      expect(new URL(url).origin).toBe(sandbox.store.gatewayOrigin);
      const put = await fetch(url, { method: "PUT", body: file.subarray(start, Math.min(file.length, start + 5 * MiB)) });
      expect(put.status).toBe(200);
      parts.push({ ETag: put.headers.get("etag") as string, PartNumber: index + 1 });
    }
    const completed = await json(
      await call(`${prefix}/media/uploads/${session.uploadId}`, { method: "PATCH", headers, body: JSON.stringify({ parts }) }),
    );
    expect(completed).toEqual({ status: "processing" });
    expect(await json(await call(`${prefix}/media/${session.mediaUuid}`, { headers }))).toMatchObject({ status: "processing" });
    sandbox.fanvue.finishProcessing(session.mediaUuid);
    expect(await json(await call(`${prefix}/media/${session.mediaUuid}`, { headers }))).toMatchObject({
      status: "ready",
      mediaType: "video",
    });
    const ready = await json<{ data: { uuid: string; variants?: { variantType: string }[] }[]; pagination: unknown }>(
      await call(`${prefix}/media?status=ready&variants=main,thumbnail&size=50`, { headers }),
    );
    expect(ready.data.map((item) => item.uuid)).toContain(session.mediaUuid);
    expect(ready.data.find((item) => item.uuid === session.mediaUuid)?.variants?.map((v) => v.variantType)).toEqual([
      "main",
      "thumbnail",
    ]);
    expect(ready.pagination).toEqual({ page: 1, size: 50, hasMore: false });
    const processing = await json<{ data: unknown[] }>(await call(`${prefix}/media?status=processing`, { headers }));
    expect(processing.data).toEqual([]);
    expect(await sandbox.objectSha256(sandbox.fanvue.keyOf(session.mediaUuid) as string)).toBe(sha256(file));

    // A message with the uploaded media attached (through the proxy: request and answer checked against the spec).
    const fan = "5f0c7a4e-1b2d-4e3f-8a9b-0c1d2e3f4a5b";
    const sent = await json<{ messageUuid: string }>(
      await call(`${prefix}/chats/${fan}/message`, {
        method: "POST",
        headers,
        body: JSON.stringify({ text: "New clip", mediaUuids: [session.mediaUuid] }),
      }),
      201,
    );
    expect(sandbox.fanvue.messages.at(-1)).toEqual({
      messageUuid: sent.messageUuid,
      to: fan,
      text: "New clip",
      mediaUuids: [session.mediaUuid],
    });
    // Media that is unknown, or another account's, is refused.
    for (const [route, uuid] of [
      [`${sandbox.fanvue.baseUrl}/creators/${creatorUserUuid}`, "00000000-0000-4000-8000-000000000000"],
      [sandbox.fanvue.baseUrl, session.mediaUuid],
    ] as const) {
      const refused = await fetch(`${route}/chats/${fan}/message`, {
        method: "POST",
        headers,
        body: JSON.stringify({ mediaUuids: [uuid] }),
      });
      expect(refused.status).toBe(400);
    }
  });

  it("OFAuth: init plan → part PUTs through the API → complete → check", async () => {
    const api = await proxy("ofauth");
    const headers = { apiKey: sandbox.ofauth.credentials.apiKey, "x-connection-id": sandbox.ofauth.credentials.connectionId };
    const file = bytes(12 * MiB);
    const init = await json<{
      mediaUploadId: string;
      totalParts: number;
      parts: { partNumber: number; uploadUrl: string; byteRange: { start: number; end: number } }[];
    }>(
      await call(`${api}/v2/access/uploads/init`, {
        method: "POST",
        headers: { ...headers, "content-type": "application/json" },
        body: JSON.stringify({ filename: "clip.mp4", size: file.length, contentType: "video/mp4" }),
      }),
    );
    expect(init.totalParts).toBe(3);
    const validate = createSpecValidator("ofauth");
    for (const part of init.parts) {
      expect(new URL(part.uploadUrl).origin).toBe(sandbox.ofauth.baseUrl);
      const response = await fetch(part.uploadUrl, {
        method: "PUT",
        headers: { ...headers, "content-type": "application/octet-stream" },
        body: file.subarray(part.byteRange.start, part.byteRange.end + 1),
      });
      const stored = await json<{ etag: string; partNumber: number }>(response);
      const path = "/v2/access/uploads/{mediaUploadId}/parts/{partNumber}";
      expect(
        validate({ method: "PUT", path, status: 200, contentType: response.headers.get("content-type") ?? "", body: stored }),
      ).toEqual([]);
      expect(stored.partNumber).toBe(part.partNumber);
    }
    const done = await json<{ mediaUploadId: string; media: { type: string } }>(
      await call(`${api}/v2/access/uploads/complete`, {
        method: "POST",
        headers: { ...headers, "content-type": "application/json" },
        body: JSON.stringify({ mediaUploadId: init.mediaUploadId }),
      }),
    );
    expect(done.media.type).toBe("video");
    expect(await sandbox.objectSha256(sandbox.ofauth.keyOf(init.mediaUploadId) as string)).toBe(sha256(file));
    const { createHash } = await import("node:crypto");
    const check = await json<{ exists: boolean }>(
      await call(`${api}/v2/access/uploads/check`, {
        method: "POST",
        headers: { ...headers, "content-type": "application/json" },
        body: JSON.stringify({ etag: createHash("md5").update(file).digest("hex"), size: file.length }),
      }),
    );
    expect(check.exists).toBe(true);
  });

  it("Record360: start with part_count → presigned PUTs → complete", async () => {
    const api = await proxy("record360");
    const headers = { authorization: `Token ${sandbox.record360.credentials.token}`, accept: "application/json; version=1" };
    const file = bytes(12 * MiB);
    const fileId = crypto.randomUUID();
    const start = await json<{ upload_id: string; presigned_urls: string[] }>(
      await call(`${api}/api/users/multipart_upload_start/${fileId}?part_count=2&content_type=video/mp4`, { headers }),
    );
    expect(start.presigned_urls).toHaveLength(2);
    const parts = [];
    for (const [index, url] of start.presigned_urls.entries()) {
      const put = await fetch(url, { method: "PUT", body: file.subarray(index * 6 * MiB, (index + 1) * 6 * MiB) });
      expect(put.status).toBe(200);
      parts.push({ part_number: index + 1, etag: put.headers.get("etag") as string });
    }
    const done = await json<{ id: string; filesize: number }>(
      await call(`${api}/api/users/multipart_upload_complete/${fileId}`, {
        method: "POST",
        headers: { ...headers, "content-type": "application/json" },
        body: JSON.stringify({ upload_id: start.upload_id, parts }),
      }),
    );
    expect(done).toMatchObject({ id: fileId, filesize: file.length });
    expect(await sandbox.objectSha256(sandbox.record360.keyOf(fileId) as string)).toBe(sha256(file));
  });

  it("Flowkiwi: multipart/form-data create → get → list → delete", async () => {
    const api = await proxy("flowkiwi");
    const headers = {
      authorization: `Bearer ${sandbox.flowkiwi.credentials.token}`,
      "x-flowkiwi-organization-id": sandbox.flowkiwi.credentials.organizationId,
      accept: "application/ld+json",
    };
    const { PNG_1X1 } = await import("./support/png.js");
    const form = new FormData();
    form.set("file", new File([PNG_1X1], "pixel.png", { type: "image/png" }));
    const response = await fetch(`${sandbox.flowkiwi.baseUrl}/rest/api/medias`, { method: "POST", headers, body: form });
    const created = await json<{ id: string; hash: string; dimensions: { width: number }; type: string }>(response, 201);
    const contentType = response.headers.get("content-type") ?? "";
    expect(
      createSpecValidator("flowkiwi")({ method: "POST", path: "/rest/api/medias", status: 201, contentType, body: created }),
    ).toEqual([]);
    expect(created).toMatchObject({ type: "image", hash: sha256(PNG_1X1), dimensions: { width: 1, height: 1 } });
    expect(await json(await call(`${api}/rest/api/medias/${created.id}`, { headers }))).toMatchObject({ id: created.id });
    const list = await json<{ "hydra:member": { id: string }[] }>(
      await call(`${api}/rest/api/medias?page=1&itemsPerPage=10`, { headers }),
    );
    expect(list["hydra:member"].map((m) => m.id)).toContain(created.id);
    expect(await sandbox.objectSha256(sandbox.flowkiwi.keyOf(created.id) as string)).toBe(sha256(PNG_1X1));
    const deleted = await call(`${api}/rest/api/medias/${created.id}`, { method: "DELETE", headers });
    expect(deleted.status).toBe(204);
    expect((await call(`${api}/rest/api/medias/${created.id}`, { headers })).status).toBe(404);
  });
});

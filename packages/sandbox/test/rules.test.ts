import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Sandbox, startSandbox } from "../src/index.js";
import { bytes, json, MiB } from "./support/http.js";
import { PNG_1X1 } from "./support/png.js";

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ ofauth: { initResponse: "id-only" } });
});
afterAll(() => sandbox?.stop());

const fanvueHeaders = () => ({
  authorization: `Bearer ${sandbox.fanvue.credentials.token}`,
  "x-fanvue-api-version": "2025-06-26",
  "content-type": "application/json",
});
const r360Headers = () => ({
  authorization: `Token ${sandbox.record360.credentials.token}`,
  accept: "application/json; version=1",
});
const kiwiHeaders = () => ({
  authorization: `Bearer ${sandbox.flowkiwi.credentials.token}`,
  "x-flowkiwi-organization-id": sandbox.flowkiwi.credentials.organizationId,
});
const ofauthHeaders = () => ({
  apiKey: sandbox.ofauth.credentials.apiKey,
  "x-connection-id": sandbox.ofauth.credentials.connectionId,
});

async function fanvueSession(): Promise<{ uploadId: string; mediaUuid: string }> {
  const body = JSON.stringify({ name: "n", filename: "f.bin", mediaType: "document" });
  return json(await fetch(`${sandbox.fanvue.baseUrl}/media/uploads`, { method: "POST", headers: fanvueHeaders(), body }));
}

describe("auth errors come back as documented", () => {
  it("Fanvue: 401 without a valid token, 400 without the version header, 410 for a retired version", async () => {
    const url = `${sandbox.fanvue.baseUrl}/media/uploads`;
    expect(
      await json(await fetch(url, { method: "POST", headers: { ...fanvueHeaders(), authorization: "Bearer wrong" } }), 401),
    ).toEqual({
      message: "Unauthorized",
    });
    const noVersion = await json(
      await fetch(url, { method: "POST", headers: { authorization: fanvueHeaders().authorization } }),
      400,
    );
    expect(noVersion).toMatchObject({ error: "UnsupportedVersionError", message: expect.stringContaining("header is required") });
    const sunset = await json(
      await fetch(url, { method: "POST", headers: { ...fanvueHeaders(), "x-fanvue-api-version": "2024-01-01" } }),
      410,
    );
    expect(sunset).toMatchObject({ nextVersion: "2025-06-26" });
  });

  it("Fanvue: 403 for a creator the token may not act for", async () => {
    const url = `${sandbox.fanvue.baseUrl}/creators/${crypto.randomUUID()}/media/uploads`;
    await json(await fetch(url, { method: "POST", headers: fanvueHeaders(), body: "{}" }), 403);
  });

  it("OFAuth: 401 with {error, type, requestId} for a wrong key or connection", async () => {
    const url = `${sandbox.ofauth.baseUrl}/v2/access/uploads/init`;
    const wrongKey = await json(await fetch(url, { method: "POST", headers: { ...ofauthHeaders(), apiKey: "nope" } }), 401);
    expect(wrongKey).toMatchObject({ type: "UNAUTHORIZED", requestId: expect.stringMatching(/^req_/) });
    await json(await fetch(url, { method: "POST", headers: { apiKey: sandbox.ofauth.credentials.apiKey } }), 401);
  });

  it("Record360: 401 without the token, 406 without the version Accept header", async () => {
    const url = `${sandbox.record360.baseUrl}/api/users/uploads/x`;
    expect(await json(await fetch(url, { headers: { accept: "application/json; version=1" } }), 401)).toEqual({
      errors: "Not Authenticated",
    });
    await json(await fetch(url, { headers: { authorization: r360Headers().authorization } }), 406);
  });

  it("Flowkiwi: 401 problem without the token, 403 with missingPermissions for another organisation", async () => {
    const url = `${sandbox.flowkiwi.baseUrl}/rest/api/medias`;
    const noToken = await fetch(url);
    expect(noToken.headers.get("content-type")).toBe("application/problem+json");
    await json(noToken, 401);
    const otherOrg = await json(
      await fetch(url, { headers: { ...kiwiHeaders(), "x-flowkiwi-organization-id": "org_other" } }),
      403,
    );
    expect(otherOrg).toMatchObject({ status: 403, missingPermissions: ["identity:organization:access"] });
  });
});

describe("limits are enforced with the documented error bodies", () => {
  it("Fanvue: body validation, and complete refuses a missing part, a wrong ETag and a small non-last part", async () => {
    const bad = await json(
      await fetch(`${sandbox.fanvue.baseUrl}/media/uploads`, {
        method: "POST",
        headers: fanvueHeaders(),
        body: JSON.stringify({ name: "", filename: "x".repeat(256), mediaType: "pdf" }),
      }),
      400,
    );
    expect((bad as { errors: string[] }).errors).toHaveLength(3);
    const session = await fanvueSession();
    const put = async (n: number, size: number) => {
      const partUrl = `${sandbox.fanvue.baseUrl}/media/uploads/${session.uploadId}/parts/${n}/url`;
      const { url } = await json<{ url: string }>(await fetch(partUrl, { headers: fanvueHeaders() }));
      return (await fetch(url, { method: "PUT", body: bytes(size) })).headers.get("etag") as string;
    };
    const complete = (parts: unknown) =>
      fetch(`${sandbox.fanvue.baseUrl}/media/uploads/${session.uploadId}`, {
        method: "PATCH",
        headers: fanvueHeaders(),
        body: JSON.stringify({ parts }),
      });
    const one = await put(1, MiB);
    const three = await put(3, 10);
    const missing = await json<{ errors: string[] }>(
      await complete([
        { ETag: one, PartNumber: 1 },
        { ETag: three, PartNumber: 3 },
      ]),
      400,
    );
    expect(missing.errors[0]).toMatch(/part 2 is missing/);
    const wrong = await json<{ errors: string[] }>(await complete([{ ETag: '"0000"', PartNumber: 1 }]), 400);
    expect(wrong.errors[0]).toMatch(/does not match the stored part/);
    const two = await put(2, 10);
    const small = await json<{ errors: string[] }>(
      await complete([
        { ETag: one, PartNumber: 1 },
        { ETag: two, PartNumber: 2 },
      ]),
      400,
    );
    expect(small.errors[0]).toMatch(/part 1 is 1048576 bytes; every part but the last must be at least 5242880/);
  });

  it("Fanvue: the part-URL format can be a JSON string or plain text", async () => {
    for (const [format, type] of [
      ["string", "application/json"],
      ["text", "text/plain"],
    ] as const) {
      const other = await startSandbox({ providers: ["fanvue"], fanvue: { partUrlFormat: format } });
      try {
        const created = await fetch(`${other.fanvue.baseUrl}/media/uploads`, {
          method: "POST",
          headers: fanvueHeaders(),
          body: JSON.stringify({ name: "n", filename: "f", mediaType: "image" }),
        });
        const { uploadId } = (await created.json()) as { uploadId: string };
        const response = await fetch(`${other.fanvue.baseUrl}/media/uploads/${uploadId}/parts/1/url`, {
          headers: fanvueHeaders(),
        });
        expect(response.headers.get("content-type")).toBe(type);
        const text = await response.text();
        expect(format === "string" ? JSON.parse(text) : text).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
      } finally {
        await other.stop();
      }
    }
  });

  it("OFAuth: the id-only init shape carries the plan in headers; parts must match the plan", async () => {
    const response = await fetch(`${sandbox.ofauth.baseUrl}/v2/access/uploads/init`, {
      method: "POST",
      headers: { ...ofauthHeaders(), "content-type": "application/json" },
      body: JSON.stringify({ filename: "a.mp4", size: 6 * MiB, contentType: "video/mp4" }),
    });
    const init = await json<{ mediaUploadId: string; parts?: unknown }>(response);
    expect(init.parts).toBeUndefined();
    expect(response.headers.get("x-ofauth-upload-total-parts")).toBe("2");
    expect(response.headers.get("x-ofauth-upload-part-size")).toBe(String(5 * MiB));
    const partUrl = `${sandbox.ofauth.baseUrl}/v2/access/uploads/${encodeURIComponent(init.mediaUploadId)}/parts/1`;
    const wrongSize = await json<{ error: string }>(
      await fetch(partUrl, { method: "PUT", headers: ofauthHeaders(), body: bytes(100) }),
      400,
    );
    expect(wrongSize.error).toMatch(/Part 1 must be 5242880 bytes, got 100/);
    const early = await fetch(`${sandbox.ofauth.baseUrl}/v2/access/uploads/complete`, {
      method: "POST",
      headers: { ...ofauthHeaders(), "content-type": "application/json" },
      body: JSON.stringify({ mediaUploadId: init.mediaUploadId }),
    });
    expect((await json<{ error: string }>(early, 400)).error).toMatch(/part 1 was never uploaded/);
    const empty = await fetch(`${sandbox.ofauth.baseUrl}/v2/access/uploads/init`, {
      method: "POST",
      headers: { ...ofauthHeaders(), "content-type": "application/json" },
      body: JSON.stringify({ filename: "a.mp4", size: 0, contentType: "video/mp4" }),
    });
    expect((await json<{ type: string }>(empty, 400)).type).toBe("BAD_REQUEST");
  });

  it("Record360: part_count 1-20, the content-type allowlist (case-insensitive), 5 MB parts at complete", async () => {
    const start = (query: string) =>
      fetch(`${sandbox.record360.baseUrl}/api/users/multipart_upload_start/f1?${query}`, { headers: r360Headers() });
    expect(await json(await start("part_count=21"), 400)).toEqual({ errors: expect.stringMatching(/from 1 to 20, got 21/) });
    expect(await json(await start("part_count=0"), 400)).toBeTruthy();
    expect(await json(await start("part_count=2&content_type=application/pdf"), 400)).toEqual({
      errors: expect.stringMatching(/application\/pdf is not a supported media type/),
    });
    const ok = await json<{ upload_id: string; presigned_urls: string[] }>(await start("part_count=2&content_type=IMAGE/JPEG"));
    const etags = [];
    for (const url of ok.presigned_urls) etags.push((await fetch(url, { method: "PUT", body: bytes(1000) })).headers.get("etag"));
    const complete = await fetch(`${sandbox.record360.baseUrl}/api/users/multipart_upload_complete/f1`, {
      method: "POST",
      headers: { ...r360Headers(), "content-type": "application/json" },
      body: JSON.stringify({ upload_id: ok.upload_id, parts: etags.map((etag, i) => ({ part_number: i + 1, etag })) }),
    });
    expect((await json<{ errors: string }>(complete, 422)).errors).toMatch(/at least 5242880 bytes/);
  });

  it("Record360: the single-upload URL", async () => {
    const fileId = crypto.randomUUID();
    const first = await json<{ id: string; upload_url: string }>(
      await fetch(`${sandbox.record360.baseUrl}/api/users/uploads/${fileId}`, { headers: r360Headers() }),
    );
    expect(new URL(first.upload_url).searchParams.get("X-Amz-Expires")).toBe("900");
    expect((await fetch(first.upload_url, { method: "PUT", body: PNG_1X1 })).status).toBe(200);
    const again = await json<{ size: number }>(
      await fetch(`${sandbox.record360.baseUrl}/api/users/uploads/${fileId}`, { headers: r360Headers() }),
    );
    expect(again.size).toBe(PNG_1X1.length);
  });

  it("Flowkiwi: 5 MB for files, 100 MB for videos, with violations", async () => {
    const post = (file: File) => {
      const form = new FormData();
      form.set("file", file);
      return fetch(`${sandbox.flowkiwi.baseUrl}/rest/api/medias`, { method: "POST", headers: kiwiHeaders(), body: form });
    };
    const image = Buffer.concat([PNG_1X1, bytes(5_000_001)]);
    const tooBig = await json<{ violations: { propertyPath: string; message: string }[] }>(
      await post(new File([image], "big.png")),
      422,
    );
    expect(tooBig.violations[0]).toMatchObject({
      propertyPath: "file",
      message: expect.stringMatching(/Allowed maximum size is 5 MB/),
    });
    const noFile = new FormData();
    noFile.set("other", "x");
    const missing = await fetch(`${sandbox.flowkiwi.baseUrl}/rest/api/medias`, {
      method: "POST",
      headers: kiwiHeaders(),
      body: noFile,
    });
    expect((await json<{ detail: string }>(missing, 400)).detail).toMatch(/"file" was not found/);
  });
});

describe("chaos and expiry", () => {
  it("fails every part PUT at rate 1 with the chosen faults and counts them", async () => {
    const chaotic = await startSandbox({
      providers: ["record360"],
      chaos: { rate: 1, kinds: ["500", "503", "429"], scope: "parts", seed: 7 },
    });
    try {
      const start = await json<{ presigned_urls: string[] }>(
        await fetch(`${chaotic.record360.baseUrl}/api/users/multipart_upload_start/c1?part_count=3`, { headers: r360Headers() }),
      );
      const statuses = [];
      for (const url of start.presigned_urls) statuses.push((await fetch(url, { method: "PUT", body: bytes(10) })).status);
      expect(statuses.every((s) => [500, 503, 429].includes(s))).toBe(true);
      expect(chaotic.chaos.total).toBe(3);
    } finally {
      await chaotic.stop();
    }
  });

  it("answers 403 AccessDenied for a presigned URL past its expiry", async () => {
    const short = await startSandbox({ providers: ["record360"], record360: { partUrlExpiresInSeconds: 1 } });
    try {
      const start = await json<{ presigned_urls: string[] }>(
        await fetch(`${short.record360.baseUrl}/api/users/multipart_upload_start/e1?part_count=1`, { headers: r360Headers() }),
      );
      await new Promise((resolve) => setTimeout(resolve, 2100));
      const expired = await fetch(start.presigned_urls[0] as string, { method: "PUT", body: bytes(10) });
      expect(expired.status).toBe(403);
      expect(await expired.text()).toMatch(/Request has expired/);
    } finally {
      await short.stop();
    }
  });

  it("logs every request the fakes and the store receive", () => {
    const servers = new Set(sandbox.requests.map((r) => r.server));
    expect(servers).toEqual(new Set(["fanvue", "ofauth", "record360", "flowkiwi", "store"]));
    expect(sandbox.requests.filter((r) => r.server === "store").every((r) => r.headers.authorization === undefined)).toBe(true);
  });
});

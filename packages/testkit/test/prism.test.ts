import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type PrismServer, prefer, startPrism } from "../src/prism.js";

describe("startPrism (mock)", () => {
  let prism: PrismServer;
  beforeAll(async () => {
    prism = await startPrism({ provider: "record360" });
  });
  afterAll(() => prism?.stop());

  const headers = { authorization: "Token t", accept: "application/json; version=1" };

  it("serves the spec's examples for a valid request", async () => {
    const response = await fetch(`${prism.origin}/api/users/multipart_upload_start/f?part_count=3`, { headers });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { presigned_urls: string[] }).presigned_urls).toHaveLength(3);
  });

  it("answers the status asked for with Prefer", async () => {
    const response = await fetch(`${prism.origin}/api/users/multipart_upload_start/f?part_count=3`, {
      headers: { ...headers, ...prefer(429) },
    });
    expect(response.status).toBe(429);
    expect(await response.json()).toEqual({ errors: "Rate limit exceeded" });
  });

  it("rejects a request that violates the spec", async () => {
    const response = await fetch(`${prism.origin}/api/users/multipart_upload_start/f?part_count=21`, { headers });
    expect(response.status).toBeGreaterThanOrEqual(400);
    const missingAuth = await fetch(`${prism.origin}/api/users/multipart_upload_start/f?part_count=2`);
    expect(missingAuth.status).toBe(401);
  });

  it("stops its process", async () => {
    const other = await startPrism({ provider: "flowkiwi" });
    await other.stop();
    await expect(fetch(`${other.origin}/rest/api/medias`)).rejects.toThrow();
  });
});

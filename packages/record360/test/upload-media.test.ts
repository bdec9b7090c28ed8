import { createHash, randomBytes } from "node:crypto";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type Sandbox, scratchDir, startSandbox } from "@uploadkit/sandbox";
import { type PrismServer, startPrism } from "@uploadkit/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRecord360Client, InputError } from "../src/index.js";

const MiB = 1024 * 1024;
const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");
const dir = scratchDir("record360", { onSignal: true });
let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ providers: ["record360"] });
});
afterAll(async () => {
  await sandbox?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const client = (baseUrl = sandbox.record360.baseUrl) =>
  createRecord360Client({ token: sandbox.record360.credentials.token, baseUrl, retry: { baseDelayMs: 10, maxDelayMs: 50 } });

function file(name: string, size: number) {
  const bytes = randomBytes(size);
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return { path, bytes };
}
const stored = (fileId: string) => sandbox.objectSha256(sandbox.record360.keyOf(fileId) as string);
const storePuts = () => sandbox.requests.filter((r) => r.server === "store" && r.method === "PUT");

describe("uploadMedia against the Record360 sandbox", () => {
  for (const [name, size, partCount, expectedParts] of [
    ["1 byte", 1, undefined, 1],
    ["5 MiB", 5 * MiB, undefined, 1],
    ["12 MiB in 2 parts", 12 * MiB, 2, 2],
    ["20 parts", 100 * MiB + 3, 20, 20],
  ] as const) {
    it(`uploads ${name}`, async () => {
      const { path, bytes } = file(`${name}.mp4`, size);
      const before = storePuts().length;
      const result = await client().uploadMedia(path, { partCount, concurrency: 4, contentType: "video/mp4" });
      expect(result).toMatchObject({ filesize: size, id: expect.any(String) });
      expect(await stored(result.id)).toBe(sha256(bytes));
      expect(storePuts().length - before).toBe(expectedParts);
    });
  }

  it("sends no Authorization header to the store", () => {
    expect(storePuts().length).toBeGreaterThan(20);
    expect(storePuts().filter((r) => r.headers.authorization !== undefined)).toEqual([]);
  });

  it("refuses a disallowed MIME type and 21 parts before any call", async () => {
    const before = sandbox.requests.length;
    const { path, bytes } = file("doc.pdf", 1000);
    bytes.write("%PDF-1.7\n", 0);
    writeFileSync(path, bytes);
    const error = await client()
      .uploadMedia(path)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toMatch(/does not accept application\/pdf.*Allowed: image\/jpeg, image\/png, video\/mp4/);
    await expect(client().uploadMedia(path, { contentType: "video/mp4", partCount: 21 })).rejects.toThrow(
      /cannot be split into 21 parts/,
    );
    await expect(client().uploadMedia(path, { contentType: "VIDEO/MP4", partCount: 2 })).rejects.toThrow(
      /cannot be split into 2 parts/,
    );
    expect(sandbox.requests.length).toBe(before);
  });

  it("resumes after an abort with the same file and upload id, sending only missing parts", async () => {
    const { path, bytes } = file("resume.mov", 30 * MiB);
    const checkpoint = join(dir, "resume.json");
    const controller = new AbortController();
    const first = client().uploadMedia(path, {
      contentType: "video/quicktime",
      partCount: 6,
      concurrency: 2,
      checkpoint,
      signal: controller.signal,
      onProgress: (p) => p.partsDone >= 2 && controller.abort(),
    });
    await expect(first).rejects.toMatchObject({ name: "AbortError" });
    const saved = JSON.parse(readFileSync(checkpoint, "utf8")) as { session: { fileId: string }; parts: unknown[] };
    const before = storePuts().length;
    const result = await client().uploadMedia(path, { checkpoint, contentType: "video/quicktime" });
    expect(result.id).toBe(saved.session.fileId);
    expect(storePuts().length - before).toBe(6 - saved.parts.length);
    expect(await stored(result.id)).toBe(sha256(bytes));
    expect(existsSync(checkpoint)).toBe(false);
  });

  it("reports fewer presigned URLs than parts without uploading", async () => {
    const shortChange: typeof fetch = async (input, init) => {
      const response = await fetch(input as Request, init);
      if (!new URL((input as Request).url).pathname.includes("multipart_upload_start")) return response;
      const body = (await response.json()) as { presigned_urls: string[] };
      return Response.json({ ...body, presigned_urls: body.presigned_urls.slice(1) });
    };
    const { path } = file("short.jpg", 12 * MiB);
    const before = storePuts().length;
    const error = await createRecord360Client({
      token: sandbox.record360.credentials.token,
      baseUrl: sandbox.record360.baseUrl,
      fetch: shortChange,
    })
      .uploadMedia(path, { partCount: 2, contentType: "image/jpeg" })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "RECORD360_TOO_FEW_URLS" });
    expect(storePuts().length).toBe(before);
  });
});

describe("uploadMedia behind the Prism proxy", () => {
  let proxy: PrismServer;
  beforeAll(async () => {
    proxy = await startPrism({ provider: "record360", upstream: sandbox.record360.baseUrl });
  });
  afterAll(() => proxy?.stop());

  it("every API call matches the spec in both directions", async () => {
    const { path, bytes } = file("proxied.heic", 11 * MiB);
    const result = await client(proxy.origin).uploadMedia(path, { contentType: "image/heic", partCount: 2 });
    expect(await stored(result.id)).toBe(sha256(bytes));
    expect(proxy.problems()).toEqual([]);
  });
});

describe("the default part plan", () => {
  it("uses the fewest parts of at most 16 MiB, up to 20", async () => {
    const { planRecord360Parts } = await import("../src/part-plan.js");
    expect(planRecord360Parts(12 * MiB, undefined)).toHaveLength(1);
    expect(planRecord360Parts(48 * MiB, undefined).map((p) => p.size)).toEqual([16 * MiB, 16 * MiB, 16 * MiB]);
    const large = planRecord360Parts(2 * 1024 * MiB, undefined);
    expect(large).toHaveLength(20);
    expect(Math.max(...large.map((p) => p.size))).toBeLessThanOrEqual(103 * MiB);
    expect(() => planRecord360Parts(101 * 1024 * 1024 * MiB, undefined)).toThrow(/cannot be split into 20 parts/);
  });
});

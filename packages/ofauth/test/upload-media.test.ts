import { createHash, randomBytes } from "node:crypto";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, request } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { type Sandbox, scratchDir, startSandbox } from "@uploadkit/sandbox";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOfauthClient } from "../src/index.js";

const MiB = 1024 * 1024;
const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");
const dir = scratchDir("ofauth", { onSignal: true });
let plan: Sandbox;
let idOnly: Sandbox;
beforeAll(async () => {
  [plan, idOnly] = await Promise.all([
    startSandbox({ providers: ["ofauth"], ofauth: { initResponse: "plan" } }),
    startSandbox({ providers: ["ofauth"], ofauth: { initResponse: "id-only" } }),
  ]);
});
afterAll(async () => {
  await Promise.all([plan?.stop(), idOnly?.stop()]);
  rmSync(dir, { recursive: true, force: true });
});

const client = (sandbox: Sandbox) =>
  createOfauthClient({
    ...sandbox.ofauth.credentials,
    baseUrl: sandbox.ofauth.baseUrl,
    retry: { baseDelayMs: 10, maxDelayMs: 50 },
  });

function file(name: string, size: number) {
  const bytes = randomBytes(size);
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return { path, bytes };
}

const stored = (sandbox: Sandbox, id: string) => sandbox.objectSha256(sandbox.ofauth.keyOf(id) as string);
const calls = (sandbox: Sandbox, method: string, pattern: RegExp) =>
  sandbox.requests.filter((r) => r.server === "ofauth" && r.method === method && pattern.test(r.url)).length;

describe("uploadMedia against the OFAuth sandbox", () => {
  for (const [shape, sandbox] of [
    ["full plan", () => plan],
    ["id-only + headers", () => idOnly],
  ] as const) {
    it(`uploads a single-part file (${shape})`, async () => {
      const { path, bytes } = file(`single-${shape}.jpg`, 200_000);
      const result = await client(sandbox()).uploadMedia(path, { contentType: "image/jpeg" });
      expect(result.mediaUploadId).toMatch(/^upload:/);
      expect(result.media?.type).toBe("photo");
      expect(await stored(sandbox(), result.mediaUploadId as string)).toBe(sha256(bytes));
    });

    it(`uploads a 3-part file through the API and completes it (${shape})`, async () => {
      const { path, bytes } = file(`multi-${shape}.mp4`, 12 * MiB + 17);
      const completesBefore = calls(sandbox(), "POST", /\/complete$/);
      const result = await client(sandbox()).uploadMedia(path, { contentType: "video/mp4" });
      expect(result.media?.type).toBe("video");
      expect(await stored(sandbox(), result.mediaUploadId as string)).toBe(sha256(bytes));
      expect(calls(sandbox(), "PUT", new RegExp(`${encodeURIComponent(result.mediaUploadId as string)}/parts/[123]$`))).toBe(3);
      expect(calls(sandbox(), "POST", /\/complete$/)).toBe(completesBefore + 1);
    });
  }

  it("skipIfExists: uploads on a miss, skips on a hit", async () => {
    const { path, bytes } = file("twice.png", 1_000_000);
    const first = await client(plan).uploadMedia(path, { skipIfExists: true });
    expect(first.skipped).toBeFalsy();
    expect(await stored(plan, first.mediaUploadId as string)).toBe(sha256(bytes));
    const initsBefore = calls(plan, "POST", /\/init$/);
    const second = await client(plan).uploadMedia(path, { skipIfExists: true });
    expect(second).toMatchObject({ skipped: true, media: { id: first.media?.id } });
    expect(calls(plan, "POST", /\/init$/)).toBe(initsBefore);
  });

  it("resumes after an abort, sending only the missing parts", async () => {
    const { path, bytes } = file("resume.mov", 26 * MiB);
    const checkpoint = join(dir, "resume.json");
    const controller = new AbortController();
    const first = client(idOnly).uploadMedia(path, {
      checkpoint,
      concurrency: 2,
      signal: controller.signal,
      onProgress: (p) => p.partsDone >= 2 && controller.abort(),
    });
    await expect(first).rejects.toMatchObject({ name: "AbortError" });
    const saved = JSON.parse(readFileSync(checkpoint, "utf8")) as { session: { mediaUploadId: string }; parts: unknown[] };
    const partPuts = () => calls(idOnly, "PUT", /\/parts\/\d+$/);
    const before = partPuts();
    const result = await client(idOnly).uploadMedia(path, { checkpoint });
    expect(result.mediaUploadId).toBe(saved.session.mediaUploadId);
    expect(partPuts() - before).toBe(6 - saved.parts.length);
    expect(await stored(idOnly, result.mediaUploadId as string)).toBe(sha256(bytes));
    expect(existsSync(checkpoint)).toBe(false);
  });

  it("never re-sends the finalising single PUT blindly: it asks the vault, then re-sends only if the bytes are not there", async () => {
    for (const finalisedUpstream of [true, false]) {
      const { path, bytes } = file(`single-${finalisedUpstream}.bin`, 64 * 1024);
      let puts = 0;
      // The first single PUT is answered 502: after the sandbox finalised it, or without ever reaching it.
      const proxy = createServer((req, res) => {
        const first = req.method === "PUT" && puts++ === 0;
        if (first && !finalisedUpstream) {
          req.resume();
          req.on("end", () => res.writeHead(502).end("bad gateway"));
          return;
        }
        const target = new URL(idOnly.ofauth.baseUrl);
        const upstream = request(
          { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
          (answer) => {
            if (first) {
              answer.resume();
              answer.on("end", () => res.writeHead(502).end("bad gateway"));
              return;
            }
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            answer.pipe(res);
          },
        );
        req.pipe(upstream);
      });
      await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
      try {
        const baseUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
        const result = await createOfauthClient({ ...idOnly.ofauth.credentials, baseUrl, retry: { baseDelayMs: 1 } }).uploadMedia(
          path,
        );
        expect(puts).toBe(finalisedUpstream ? 1 : 2);
        expect(result.skipped ?? false).toBe(finalisedUpstream);
        expect(await stored(idOnly, result.id)).toBe(sha256(bytes));
      } finally {
        proxy.closeAllConnections();
        await new Promise((resolve) => proxy.close(resolve));
      }
    }
  });

  it("rejects bad input before any call", async () => {
    const before = plan.requests.length;
    await expect(client(plan).uploadMedia(Buffer.alloc(0))).rejects.toMatchObject({ code: "INPUT_EMPTY" });
    await expect(client(plan).uploadMedia(Buffer.from("x"), { filename: " " })).rejects.toThrow(/filename must not be empty/);
    expect(plan.requests.length).toBe(before);
    expect(() => createOfauthClient({ apiKey: "k", connectionId: "" })).toThrow(/connectionId is required/);
  });
});

import { createHash, randomBytes } from "node:crypto";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Readable } from "node:stream";
import { type Sandbox, scratchDir, startSandbox } from "@uploadkit/sandbox";
import { startRecordingServer } from "@uploadkit/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFlowkiwiClient, InputError, IntegrityError, type UploadProgress } from "../src/index.js";

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");
const dir = scratchDir("flowkiwi", { onSignal: true });
const PNG_1X1 = Buffer.from(
  "89504e470d0a1a0a0000000d4948445200000001000000010806000000" +
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082",
  "hex",
);
let sandbox: Sandbox;
let liar: Sandbox;
beforeAll(async () => {
  [sandbox, liar] = await Promise.all([
    startSandbox({ providers: ["flowkiwi"] }),
    startSandbox({ providers: ["flowkiwi"], flowkiwi: { tamperHash: true } }),
  ]);
});
afterAll(async () => {
  await Promise.all([sandbox?.stop(), liar?.stop()]);
  rmSync(dir, { recursive: true, force: true });
});

const client = (box = sandbox) => createFlowkiwiClient({ ...box.flowkiwi.credentials, baseUrl: box.flowkiwi.baseUrl });

describe("uploadMedia against the Flowkiwi sandbox", () => {
  it("uploads an image: dimensions and hash come back, bytes stored intact", async () => {
    const path = join(dir, "pixel.png");
    writeFileSync(path, PNG_1X1);
    const media = await client().uploadMedia(path);
    expect(media).toMatchObject({
      type: "image",
      mimeType: "image/png",
      hash: sha256(PNG_1X1),
      dimensions: { width: 1, height: 1 },
    });
    expect(await sandbox.objectSha256(sandbox.flowkiwi.keyOf(media.id as string) as string)).toBe(sha256(PNG_1X1));
  });

  it("uploads a 60 MB video, reporting progress", async () => {
    // A real MP4 box first, so the type is sniffed as video whatever the random bytes after it are.
    const bytes = Buffer.concat([
      Buffer.from("0000001c667479706d703432000000006d703432697336366d703431", "hex"),
      randomBytes(60_000_000 - 28),
    ]);
    const path = join(dir, "clip.mp4");
    writeFileSync(path, bytes);
    const events: UploadProgress[] = [];
    const media = await client().uploadMedia(path, { onProgress: (p) => events.push(p) });
    expect(media).toMatchObject({ type: "video", hash: sha256(bytes) });
    expect(events.at(-1)).toMatchObject({ loaded: 60_000_000, total: 60_000_000 });
    expect(events.length).toBeGreaterThan(10);
    expect(await sandbox.objectSha256(sandbox.flowkiwi.keyOf(media.id as string) as string)).toBe(sha256(bytes));
  });

  it("refuses a 6 MB non-video and a 101 MB video before any call, stating limit and size", async () => {
    const before = sandbox.requests.length;
    const big = Buffer.alloc(6_000_000, 7);
    const image = await client()
      .uploadMedia(big, { filename: "big.jpg", contentType: "image/jpeg" })
      .catch((e: unknown) => e);
    expect(image).toBeInstanceOf(InputError);
    expect((image as Error).message).toMatch(/is 6 MB \(image\/jpeg\); Flowkiwi accepts non-video files up to 5 MB/);
    const video = { stream: Readable.from([]), size: 101_000_000, filename: "long.mp4", contentType: "video/mp4" };
    await expect(client().uploadMedia(video)).rejects.toThrow(/is 101 MB \(video\/mp4\); Flowkiwi accepts videos up to 100 MB/);
    await expect(client().uploadMedia(Buffer.alloc(0), { filename: "empty.txt" })).rejects.toMatchObject({ code: "INPUT_EMPTY" });
    expect(sandbox.requests.length).toBe(before);
  });

  it("get, list (paging through hydra:next) and delete round trip", async () => {
    const kiwi = client();
    const created = [];
    for (let i = 0; i < 3; i++) created.push(await kiwi.uploadMedia(Buffer.from(`note ${i}`), { filename: `note-${i}.txt` }));
    const one = await kiwi.getMedia(created[0]?.id as string);
    expect(one.hash).toBe(sha256(Buffer.from("note 0")));
    const first = await kiwi.listMedia({ itemsPerPage: 2, type: "file" });
    expect(first.members).toHaveLength(2);
    expect(first.nextPage).toBe(2);
    const ids = [];
    for await (const media of kiwi.iterateMedia({ itemsPerPage: 2, type: "file" })) ids.push(media.id);
    expect(ids).toEqual(expect.arrayContaining(created.map((m) => m.id)));
    await kiwi.deleteMedia(created[0]?.id as string);
    await expect(kiwi.getMedia(created[0]?.id as string)).rejects.toMatchObject({ status: 404, kind: "not_found" });
  });

  it("list and iterate refuse a query or options of the wrong kind before any call", async () => {
    const kiwi = client();
    const before = sandbox.requests.length;
    await expect(kiwi.listMedia(null as never)).rejects.toThrow(/^listMedia's query must be an object, got null\.$/);
    expect(() => kiwi.iterateMedia(5 as never)).toThrow(/^iterateMedia's query must be an object, got 5\.$/);
    const read = async (options: object) => {
      for await (const _ of kiwi.iterateMedia({}, options as never));
    };
    await expect(read({ maxPages: "2" })).rejects.toBeInstanceOf(InputError);
    await expect(read({ singal: new AbortController().signal })).rejects.toThrow(/unknown option singal/);
    expect(sandbox.requests.length).toBe(before);
  });

  it("catches a server that lies about the hash", async () => {
    const error = await client(liar)
      .uploadMedia(Buffer.from("true bytes"), { filename: "t.txt" })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IntegrityError);
    expect(error).toMatchObject({ code: "FLOWKIWI_HASH_MISMATCH", expected: sha256(Buffer.from("true bytes")) });
    await expect(
      client(liar).uploadMedia(Buffer.from("true bytes"), { filename: "t.txt", verifyHash: false }),
    ).resolves.toMatchObject({ type: "file" });
  });

  it("gives up on a server that never answers, without sending the create twice", async () => {
    const silent = await startRecordingServer(() => {});
    try {
      const kiwi = createFlowkiwiClient({ token: "t", organizationId: "o", baseUrl: silent.origin, stallTimeoutMs: 300 });
      const error = await kiwi.uploadMedia(Buffer.from("x"), { filename: "x.txt" }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: "API_TIMEOUT" });
      expect((error as Error).message).toMatch(/failed after 1 attempt: no bytes moved for 300 ms \(stalled\)/);
      expect(silent.requests).toHaveLength(1);
    } finally {
      await silent.close();
    }
  });

  it("checks credentials and options", async () => {
    const wrongOrg = createFlowkiwiClient({
      ...sandbox.flowkiwi.credentials,
      organizationId: "org_other",
      baseUrl: sandbox.flowkiwi.baseUrl,
    });
    await expect(wrongOrg.uploadMedia(Buffer.from("x"), { filename: "x.txt" })).rejects.toMatchObject({
      status: 403,
      kind: "permission",
    });
    expect(() => createFlowkiwiClient({ token: "t", organizationId: "o", tenant: "Not A Handle" })).toThrow(/give tenant/);
    expect(createFlowkiwiClient({ token: "t", organizationId: "o", tenant: "my-shop" })).toBeTruthy();
  });
});

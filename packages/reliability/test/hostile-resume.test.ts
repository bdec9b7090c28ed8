// Hostile servers and careless input, classes 5–8 (hostile.test.ts has 1–4, hostile-retries.test.ts 9–12).
// Every case goes through the public API against the sandbox or a server that misbehaves on purpose, and each can fail.
import { randomBytes } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Readable } from "node:stream";
import { createFanvueClient } from "@uploadkit/fanvue";
import { createFlowkiwiClient } from "@uploadkit/flowkiwi";
import { AbortError, CheckpointError, InputError, ProviderResponseError, type UploadProgress } from "@uploadkit/multipart";
import { describe, expect, it } from "vitest";
import { PROVIDERS } from "./support/clients.js";
import { MP4_HEAD } from "./support/fixtures.js";
import {
  abortedAfterFirstPart,
  apiProxy,
  COMMON,
  client,
  count,
  dir,
  FAST,
  MiB,
  md5,
  mp4,
  PLAN,
  requestsTo,
  sandbox,
  sha256,
  storedSha,
} from "./support/hostile-harness.js";

describe("5. resume never stitches different content", () => {
  for (const provider of ["fanvue", "ofauth", "record360"] as const) {
    it(`${provider}: a part changed in place (same size and mtime) is sent again, not skipped`, async () => {
      const { path, bytes } = mp4(12 * MiB);
      utimesSync(path, 1_700_000_000, 1_700_000_000);
      const checkpoint = join(dir, `${provider}-stitch.json`);
      const first = await abortedAfterFirstPart((stop) =>
        client(provider).uploadMedia(path, { ...COMMON, ...PLAN[provider], checkpoint, ...stop }),
      );
      expect(first).toBeInstanceOf(AbortError);
      randomBytes(1024).copy(bytes, 2 * MiB); // inside part 1, outside the fingerprint's first and last MiB
      writeFileSync(path, bytes);
      utimesSync(path, 1_700_000_000, 1_700_000_000);
      const result = await client(provider).uploadMedia(path, { ...COMMON, ...PLAN[provider], checkpoint });
      expect(await storedSha(provider, result.id)).toBe(sha256(bytes));
      count("5 resume");
    });

    it(`${provider}: a stream of the same size but other bytes is re-sent whole`, async () => {
      const size = 12 * MiB;
      const checkpoint = join(dir, `${provider}-stream.json`);
      const old = Buffer.concat([MP4_HEAD, randomBytes(size - MP4_HEAD.length)]);
      await abortedAfterFirstPart((stop) =>
        client(provider).uploadMedia(
          { stream: Readable.from([old]), size },
          { ...COMMON, ...PLAN[provider], checkpoint, ...stop },
        ),
      );
      const fresh = Buffer.concat([MP4_HEAD, randomBytes(size - MP4_HEAD.length)]);
      const result = await client(provider).uploadMedia(
        { stream: Readable.from([fresh]), size },
        { ...COMMON, ...PLAN[provider], checkpoint },
      );
      expect(await storedSha(provider, result.id)).toBe(sha256(fresh));
      count("5 resume");
    });
  }
});

describe("6. checkpoints", () => {
  it("are written owner-only, and nothing of them is left after a finished upload", async () => {
    const { path } = mp4(12 * MiB);
    const checkpoint = join(dir, "mode", "cp.json");
    await abortedAfterFirstPart((stop) =>
      client("record360").uploadMedia(path, { ...COMMON, ...PLAN.record360, checkpoint, ...stop }),
    );
    expect(statSync(checkpoint).mode & 0o777).toBe(0o600);
    await client("record360").uploadMedia(path, { ...COMMON, ...PLAN.record360, checkpoint });
    expect(readdirSync(join(dir, "mode"))).toEqual([]);
    count("6 checkpoints");
  });

  it("a write that fails is a CheckpointError and leaves no temporary file", async () => {
    const blocker = join(dir, "blocker");
    writeFileSync(blocker, "a file where a folder should be");
    const error = await client("fanvue")
      .uploadMedia(mp4(64 * 1024).path, { ...COMMON, checkpoint: join(blocker, "cp.json") })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CheckpointError);
    expect(readdirSync(dir).filter((name) => name.endsWith(".tmp"))).toEqual([]);
    count("6 checkpoints");
  });

  const damaged: [string, (checkpoint: Record<string, unknown>) => unknown][] = [
    ["a negative part number", (c) => ({ ...c, parts: [{ partNumber: -1, etag: '"x"' }] })],
    ["an empty ETag", (c) => ({ ...c, parts: [{ partNumber: 1, etag: "" }] })],
    ["a part outside the plan", (c) => ({ ...c, parts: [{ partNumber: 99, etag: '"x"', md5: md5(Buffer.from("x")) }] })],
    ["a numeric upload id", (c) => ({ ...c, session: { ...(c.session as object), uploadId: 5 } })],
    ["a relative presigned URL", (c) => ({ ...c, session: { ...(c.session as object), presignedUrls: ["/a", "/b"] } })],
    ["a session that is not an object", (c) => ({ ...c, session: "x" })],
  ];
  it.each(damaged)("a checkpoint with %s is refused on load", async (_name, damage) => {
    const { path } = mp4(12 * MiB);
    const checkpoint = join(dir, `damaged-${_name.replace(/\W+/g, "-")}.json`);
    await abortedAfterFirstPart((stop) =>
      client("record360").uploadMedia(path, { ...COMMON, ...PLAN.record360, checkpoint, ...stop }),
    );
    writeFileSync(checkpoint, JSON.stringify(damage(JSON.parse(readFileSync(checkpoint, "utf8")))));
    const before = requestsTo("record360");
    const error = await client("record360")
      .uploadMedia(path, { ...COMMON, ...PLAN.record360, checkpoint })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CheckpointError);
    expect(requestsTo("record360")).toBe(before);
    count("6 checkpoints");
  });

  it("two uploads on one checkpoint at once: the second is refused, the first completes", async () => {
    const { path, bytes } = mp4(12 * MiB);
    const checkpoint = join(dir, "locked.json");
    let second: unknown;
    const first = client("fanvue").uploadMedia(path, {
      ...COMMON,
      ...PLAN.fanvue,
      checkpoint,
      onProgress: async (p: UploadProgress) => {
        if (second === undefined && p.loaded > 0) {
          second = client("fanvue")
            .uploadMedia(path, { ...COMMON, ...PLAN.fanvue, checkpoint })
            .catch((e: unknown) => e);
        }
      },
    });
    const result = await first;
    expect(await second).toBeInstanceOf(CheckpointError);
    expect(await second).toMatchObject({ code: "CHECKPOINT_LOCKED" });
    expect(await storedSha("fanvue", result.id)).toBe(sha256(bytes));
    expect(existsSync(checkpoint) || existsSync(`${checkpoint}.lock`)).toBe(false);
    count("6 checkpoints");
  });
});

describe("7. options are checked before any call", () => {
  const bad = [Number.NaN, Number.POSITIVE_INFINITY, -1, 0, 1.5];
  it.each(PROVIDERS)("%s: NaN, Infinity, negative, zero and fractional numbers", async (provider) => {
    const before = requestsTo(provider);
    for (const value of bad) {
      for (const transport of [
        { timeoutMs: value },
        { stallTimeoutMs: value },
        { retry: { maxAttempts: value } },
        { retry: { baseDelayMs: value } },
      ]) {
        if (value === 0 && JSON.stringify(transport).includes("baseDelayMs")) continue; // no delay is a valid choice
        expect(() => client(provider, transport), `${provider} ${JSON.stringify(transport)}=${value}`).toThrow(InputError);
        count("7 options");
      }
      const error = await client(provider)
        .uploadMedia(mp4(1024).path, { ...COMMON, concurrency: value })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InputError);
      count("7 options");
    }
    expect(requestsTo(provider)).toBe(before);
  });

  it("fanvue: polling options of waitForReady", async () => {
    const before = requestsTo("fanvue");
    for (const waitForReady of [
      { intervalMs: 0 },
      { intervalMs: Number.NaN },
      { timeoutMs: -5 },
      { timeoutMs: Number.POSITIVE_INFINITY },
    ]) {
      const error = await client("fanvue")
        .uploadMedia(mp4(1024).path, { ...COMMON, waitForReady })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InputError);
      count("7 options");
    }
    expect(requestsTo("fanvue")).toBe(before);
  });
});

describe("8. ids in URL paths cannot change the endpoint", () => {
  it("dot segments are refused before any call; other characters are encoded into the one path segment", async () => {
    const fanvue = createFanvueClient({ token: sandbox.fanvue.credentials.token, baseUrl: sandbox.fanvue.baseUrl, ...FAST });
    const kiwi = createFlowkiwiClient({ ...sandbox.flowkiwi.credentials, baseUrl: sandbox.flowkiwi.baseUrl, ...FAST });
    const before = sandbox.requests.length;
    for (const id of ["..", ".", ""]) {
      await expect(fanvue.getMedia(id)).rejects.toBeInstanceOf(InputError);
      await expect(kiwi.getMedia(id)).rejects.toBeInstanceOf(InputError);
      await expect(kiwi.deleteMedia(id)).rejects.toBeInstanceOf(InputError);
      await expect(fanvue.uploadMedia(mp4(1024).path, { creatorUserUuid: id || ".." })).rejects.toBeInstanceOf(InputError);
      await expect(client("record360").uploadMedia(mp4(1024).path, { ...COMMON, fileId: id || "." })).rejects.toBeInstanceOf(
        InputError,
      );
      count("8 path ids");
    }
    expect(sandbox.requests.length).toBe(before);
    for (const id of ["a/../../admin", "x?y=1", "z#frag", "%2e%2e"]) {
      await fanvue.getMedia(id).catch(() => undefined);
      const last = sandbox.requests.at(-1);
      expect(last?.url.split("?")[0]).toMatch(/^\/media\/[^/]+$/);
      count("8 path ids");
    }
  });

  it("ofauth: an upload id from the server that is a dot segment is refused", async () => {
    const error = await apiProxy("ofauth", {
      rewriteJson: (path, body) => (path.endsWith("/init") ? { ...body, mediaUploadId: ".." } : body),
    })
      .run((origin) => client("ofauth", {}, origin).uploadMedia(mp4(64 * 1024).path, COMMON))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderResponseError);
    count("8 path ids");
  });
});

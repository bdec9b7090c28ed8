import { createHash, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { CheckpointError, InputError } from "../src/core/errors.js";
import { hashBlob } from "../src/web/blob-hasher.js";
import { contentTypeOfName, extensionOfType, sniffContentType } from "../src/web/content-type.js";
import { indexedDbCheckpointStore } from "../src/web/indexeddb-checkpoint-store.js";
import { startInlineHash } from "../src/web/inline-hash.js";
import * as web from "../src/web/runtime.js";
import { currentScope, runInScope } from "../src/web/upload-scope.js";

// The web runtime's parts that need no browser, run here on Node's Web APIs (the browser suite runs the rest).

const hex = (name: "md5" | "sha256", bytes: Uint8Array) => createHash(name).update(bytes).digest("hex");

describe("web hashing", () => {
  it("gives node:crypto's MD5 and SHA-256 at every length around the 64-byte block edges, fed in uneven chunks", async () => {
    for (const length of [0, 1, 55, 56, 63, 64, 65, 119, 120, 127, 128, 1000, 65_537]) {
      const bytes = randomBytes(length);
      for (const name of ["md5", "sha256"] as const) {
        const hash = startInlineHash(name);
        for (let at = 0; at < length; at += 37) hash.update(bytes.subarray(at, Math.min(length, at + 37)));
        expect(await hash.digest(), `${name} of ${length} bytes`).toBe(hex(name, bytes));
      }
    }
  });

  it("keeps every MD5 right when more run at once than there are lanes (the rest by @noble/hashes)", async () => {
    const inputs = Array.from({ length: 7 }, (_, index) => randomBytes(10_000 + index * 333));
    const hashes = inputs.map(() => startInlineHash("md5"));
    for (let at = 0; at < 13_000; at += 1000)
      for (const [index, hash] of hashes.entries()) hash.update((inputs[index] as Buffer).subarray(at, at + 1000));
    const digests = await Promise.all(hashes.map((hash) => hash.digest()));
    expect(digests).toEqual(inputs.map((bytes) => hex("md5", bytes)));
  });

  it("hashes a Blob read apart (no Worker here: on this thread)", async () => {
    const bytes = randomBytes(3 * 1024 * 1024 + 5);
    expect(await hashBlob(new Blob([bytes]), "md5").digest()).toBe(hex("md5", bytes));
    expect(await hashBlob(new Blob([bytes]), "sha256").digest()).toBe(hex("sha256", bytes));
  });
});

describe("web content types", () => {
  it.each([
    ["ffd8ffe000104a464946", "image/jpeg"],
    ["89504e470d0a1a0a0000000d49484452", "image/png"],
    ["474946383961", "image/gif"],
    ["524946460000000057454250", "image/webp"],
    ["000000186674797069736f6d", "video/mp4"],
    ["0000001466747970717420200000", "video/quicktime"],
    ["0000001c6674797061766966", "image/avif"],
    ["1a45dfa3010000000000001f4282847765626d", "video/webm"],
    ["255044462d312e37", "application/pdf"],
    ["49443303", "audio/mpeg"],
  ])("sniffs %s as %s", async (head, type) => {
    expect(await sniffContentType(Buffer.from(head, "hex"))).toBe(type);
  });

  it("says nothing of bytes it does not know, and maps names and types both ways", async () => {
    expect(await sniffContentType(Buffer.from("hello, world"))).toBeUndefined();
    expect(await contentTypeOfName("Clip.MOV")).toBe("video/quicktime");
    expect(await contentTypeOfName("notes")).toBeUndefined();
    expect(await extensionOfType("image/jpeg")).toBe("jpg");
    expect(await extensionOfType("video/mp4; codecs=avc1")).toBe("mp4");
    expect(await extensionOfType("application/x-unknown")).toBeUndefined();
  });
});

describe("web upload scopes", () => {
  it("gives the one running scope, and with several only the budget they share", async () => {
    const budget = { acquire: async () => () => {} } as never;
    const onRetry = () => {};
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const first = runInScope({ onRetry, budget }, async () => {
      expect(currentScope()).toEqual({ onRetry, budget });
      await held;
    });
    const second = runInScope({ budget }, async () => {
      expect(currentScope()).toEqual({ budget });
      release();
    });
    await Promise.all([first, second]);
    expect(currentScope()).toBeUndefined();
  });
});

describe("what the web runtime refuses", () => {
  it("a path, a file: URL and a file checkpoint, each with an InputError naming what to give", async () => {
    await expect(web.openFileSource("./clip.mp4", {})).rejects.toThrow(InputError);
    await expect(web.openFileSource("./clip.mp4", {})).rejects.toThrow(/File or Blob/);
    expect(() => web.fileUrlToPath("file:///clip.mp4")).toThrow(/no file system/);
    expect(() => web.fileCheckpointStore("./c.json")).toThrow(/IndexedDB/);
  });

  it("an IndexedDB checkpoint where there is no IndexedDB: a CheckpointError naming the way out", async () => {
    const store = indexedDbCheckpointStore("upload:clip.mp4");
    expect(store.description).toBe("IndexedDB uploadkit/upload:clip.mp4");
    await expect(store.load()).rejects.toThrow(CheckpointError);
    await expect(store.load()).rejects.toThrow(/checkpoint store of your own/);
    expect(() => indexedDbCheckpointStore("")).toThrow(CheckpointError);
  });
});

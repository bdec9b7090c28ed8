import { createHash } from "node:crypto";
import type { Socket } from "node:net";
import { Readable } from "node:stream";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type EmbeddedS3, startEmbeddedS3 } from "../src/store/embedded-s3.js";
import { S3Store, STORE_IDLE_SOCKET_MS } from "../src/store/s3-store.js";

let s3: EmbeddedS3;
let store: S3Store;
beforeAll(async () => {
  s3 = await startEmbeddedS3();
  store = new S3Store(s3.config);
});
afterAll(async () => {
  store?.destroy();
  await s3?.stop();
});

// A body streamed onto a connection the store is closing fails with "socket hang up", and the SDK cannot replay a
// stream: the sandbox once failed a Flowkiwi upload that way after Prism's 5 s start left the connection idle.
it("drops an idle connection to the store before the store's own keep-alive would close it", async () => {
  const body = Buffer.from("a body streamed to the store, as the Flowkiwi fake streams an upload");
  const etag = await store.putObject("idle/one.bin", Readable.from([body]), body.length, "application/octet-stream");
  expect(etag.replaceAll('"', "")).toBe(createHash("md5").update(body).digest("hex"));
  expect((await store.digests("idle/one.bin")).sha256).toBe(createHash("sha256").update(body).digest("hex"));

  const idle = Object.values(store.agent.freeSockets).flat() as Socket[];
  expect(idle.length).toBeGreaterThan(0);
  for (const socket of idle) {
    // s3rver answers `Keep-Alive: timeout=5`: the client lets go a second earlier, and never later than its own limit.
    expect(socket.timeout).toBeGreaterThan(0);
    expect(socket.timeout).toBeLessThanOrEqual(Math.min(STORE_IDLE_SOCKET_MS, 5_000 - 1_000));
  }
});

it("still reuses a connection between calls that follow each other, and every body arrives whole", async () => {
  for (const n of [1, 2, 3]) {
    const body = Buffer.alloc(64 * 1024 * n, n);
    await store.putObject(`idle/${n}.bin`, Readable.from([body]), body.length, "application/octet-stream");
    expect((await store.digests(`idle/${n}.bin`)).sha256).toBe(createHash("sha256").update(body).digest("hex"));
  }
  expect(Object.values(store.agent.sockets).flat()).toHaveLength(0);
  expect(Object.values(store.agent.freeSockets).flat()).toHaveLength(1);
});

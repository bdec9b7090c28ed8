import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import { type RecordingServer, sendJson, startRecordingServer } from "@uploadkit/testkit";
import { request } from "undici";
import { afterEach, describe, expect, it } from "vitest";
import { createMultipartFormBody } from "../src/core/form-data/multipart-form-body.js";
import { ByteMeter } from "../src/core/http/byte-meter.js";
import { openSource } from "../src/core/sources/open-source.js";
import { PNG_1X1, randomFile, scratchDir, sha256 } from "./support/files.js";

let server: RecordingServer;
afterEach(() => server?.close());

describe("createMultipartFormBody", () => {
  it("streams a file as a multipart/form-data body with an exact Content-Length that a standard parser reads back", async () => {
    const { dir, cleanup } = scratchDir();
    const { path, bytes } = randomFile(dir, 'my "photo".png', 300_000);
    const content = Buffer.concat([PNG_1X1, bytes]);
    const { writeFileSync } = await import("node:fs");
    writeFileSync(path, content);
    server = await startRecordingServer((_request, response) => sendJson(response, 201, {}), { keepBodies: true });
    const body = createMultipartFormBody({ field: "file", source: await openSource(path) });
    const meter = new ByteMeter(["sha256"]);
    const fileMeter = new ByteMeter(["sha256"]);
    const response = await request(`${server.origin}/upload`, {
      method: "POST",
      headers: { "content-type": body.contentType, "content-length": String(body.contentLength) },
      body: Readable.from(meter.through(body.stream(fileMeter))),
    });
    expect((await fileMeter.digests()).get("sha256")).toBe(sha256(content));
    expect(response.statusCode).toBe(201);
    const [received] = server.requests;
    expect(received?.bodyLength).toBe(body.contentLength);
    const form = await new Response(received?.body, { headers: { "content-type": body.contentType } }).formData();
    const file = form.get("file") as File;
    expect(file.name).toBe('my "photo".png');
    expect(file.type).toBe("image/png");
    expect(sha256(new Uint8Array(await file.arrayBuffer()))).toBe(sha256(content));
    expect(meter.bytes).toBe(body.contentLength);
    expect((await meter.digests()).get("sha256")).toBe(
      createHash("sha256")
        .update(received?.body ?? Buffer.alloc(0))
        .digest("hex"),
    );
    cleanup();
  });
});

import { execFile } from "node:child_process";
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Readable } from "node:stream";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { InputError } from "../src/core/errors.js";
import { planParts } from "../src/core/plan-parts.js";
import { openSource } from "../src/core/sources/open-source.js";
import type { UploadSource } from "../src/core/sources/upload-source.js";
import { READ_SLACK_BYTES, readOffset } from "../src/node/read-offset.js";
import { PNG_1X1, randomFile, scratchDir, sha256 } from "./support/files.js";

const { dir, cleanup } = scratchDir();
afterAll(cleanup);

async function readAll(source: UploadSource, partSize: number): Promise<Buffer> {
  const parts = planParts(source.size, { minPartSize: 1, maxPartSize: partSize, maxParts: 10_000, partSize });
  const chunks: Buffer[] = [];
  for (const part of parts) {
    const body = await source.partBody(part);
    for await (const chunk of body.open()) chunks.push(Buffer.from(chunk));
    body.release();
  }
  return Buffer.concat(chunks);
}

describe("openSource", () => {
  it("opens a file path, sniffs its type from the bytes and reads it by ranges", async () => {
    const { path, bytes } = randomFile(dir, "noext", 100_000);
    writeFileSync(path, Buffer.concat([PNG_1X1, bytes]));
    const source = await openSource(path);
    expect(source).toMatchObject({
      kind: "file",
      size: PNG_1X1.length + bytes.length,
      filename: "noext",
      contentType: "image/png",
    });
    expect(sha256(await readAll(source, 7_777))).toBe(sha256(Buffer.concat([PNG_1X1, bytes])));
  });

  it("falls back to the extension, then to application/octet-stream", async () => {
    const text = join(dir, "notes.txt");
    writeFileSync(text, "plain words, no magic number");
    expect((await openSource(text)).contentType).toBe("text/plain");
    const unknown = randomFile(dir, "blob.unknownext", 64).path;
    expect((await openSource(unknown)).contentType).toBe("application/octet-stream");
    expect((await openSource(text, { contentType: "video/mp4", filename: "x.mp4" })).contentType).toBe("video/mp4");
    // mime-types 3.0.1 mapped .mp4 to application/mp4; providers want video/mp4.
    for (const [name, type] of [
      ["clip.mp4", "video/mp4"],
      ["clip.mov", "video/quicktime"],
      ["photo.heic", "image/heic"],
      ["song.mp3", "audio/mpeg"],
    ]) {
      expect((await openSource(randomFile(dir, name as string, 64).path)).contentType).toBe(type);
    }
  });

  it("loads mime-types only for a name lookup, not with the package nor for bytes file-type names", async () => {
    const video = randomFile(dir, "clip-without-extension", 100).path;
    writeFileSync(video, Buffer.concat([PNG_1X1, Buffer.alloc(100)]));
    const table = join(dir, "table.csv");
    writeFileSync(table, "a,b\n1,2\n");
    const script = fileURLToPath(new URL("./support/modules-on-demand.mjs", import.meta.url));
    const { stdout } = await promisify(execFile)(process.execPath, [script, video, table]);
    expect(JSON.parse(stdout)).toEqual({
      atImport: false,
      afterSniff: false,
      afterName: true,
      byBytes: "image/png",
      byExtension: "text/csv",
      bytesFilename: "upload.csv",
    });
  });

  it("accepts file: URLs as strings and URL objects", async () => {
    const { path, bytes } = randomFile(dir, "url.bin", 1000);
    expect(sha256(await readAll(await openSource(pathToFileURL(path)), 300))).toBe(sha256(bytes));
    expect((await openSource(pathToFileURL(path).href)).size).toBe(1000);
  });

  it("reads a retried range again with the same bytes", async () => {
    const { path, bytes } = randomFile(dir, "retry.bin", 5000);
    const source = await openSource(path);
    const body = await source.partBody({ partNumber: 2, start: 1000, end: 3000, size: 2000 });
    const first = Buffer.concat(await collect(body.open()));
    const second = Buffer.concat(await collect(body.open()));
    expect(first.equals(bytes.subarray(1000, 3000))).toBe(true);
    expect(second.equals(first)).toBe(true);
  });

  it("opens bytes and Blobs/Files with a name and type", async () => {
    const bytes = Buffer.concat([PNG_1X1, Buffer.alloc(10)]);
    const fromBytes = await openSource(new Uint8Array(bytes));
    expect(fromBytes).toMatchObject({ kind: "bytes", size: bytes.length, contentType: "image/png", filename: "upload.png" });
    expect(sha256(await readAll(fromBytes, 7))).toBe(sha256(bytes));
    const file = new File([bytes], "pixel.png", { type: "image/png" });
    const fromFile = await openSource(file);
    expect(fromFile).toMatchObject({ kind: "blob", filename: "pixel.png", contentType: "image/png" });
    expect(sha256(await readAll(fromFile, 11))).toBe(sha256(bytes));
    const blob = await openSource(new Blob([bytes]));
    expect(blob.contentType).toBe("image/png");
    const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) as ArrayBuffer;
    const fromArrayBuffer = await openSource(buffer, { filename: "pixel.png" });
    expect(fromArrayBuffer).toMatchObject({ kind: "bytes", size: bytes.length, contentType: "image/png", filename: "pixel.png" });
    expect(fromArrayBuffer.description).toBe(`${bytes.length}-byte ArrayBuffer`);
    expect(sha256(await readAll(fromArrayBuffer, 5))).toBe(sha256(bytes));
  });

  it("fingerprints a File by its name and lastModified too, so a checkpoint is never resumed for another File", async () => {
    const bytes = Buffer.concat([PNG_1X1, Buffer.alloc(10)]);
    const one = await (await openSource(new File([bytes], "a.png", { lastModified: 1000 }))).fingerprint();
    const renamed = await (await openSource(new File([bytes], "b.png", { lastModified: 1000 }))).fingerprint();
    const touched = await (await openSource(new File([bytes], "a.png", { lastModified: 2000 }))).fingerprint();
    expect(one).toMatchObject({ kind: "blob", name: "a.png", mtimeMs: 1000, size: bytes.length });
    expect(renamed.name).toBe("b.png");
    expect(touched.mtimeMs).toBe(2000);
    expect(renamed.edgesSha256).toBe(one.edgesSha256);
    expect((await (await openSource(new Blob([bytes]))).fingerprint()).name).toBeUndefined();
  });

  it("cuts a Node or web stream of known size into parts as it arrives", async () => {
    const { bytes } = randomFile(dir, "stream.bin", 50_000);
    const chunks = Array.from({ length: 50 }, (_, i) => bytes.subarray(i * 1000, (i + 1) * 1000));
    const node = await openSource({ stream: Readable.from(chunks), size: bytes.length, filename: "s.bin" });
    expect(node).toMatchObject({ kind: "stream", filename: "s.bin", size: 50_000 });
    expect(sha256(await readAll(node, 4096))).toBe(sha256(bytes));
    await node.assertUnchanged();
    const web = await openSource({
      stream: Readable.toWeb(Readable.from(chunks)) as ReadableStream<Uint8Array>,
      size: bytes.length,
    });
    expect(sha256(Buffer.concat(await collect(web.stream())))).toBe(sha256(bytes));
  });

  it("reports a stream shorter or longer than declared, naming it", async () => {
    const short = await openSource({ stream: Readable.from([Buffer.alloc(10)]), size: 20, filename: "short.bin" });
    await expect(readAll(short, 8)).rejects.toThrow(/stream "short.bin" ended after 10 bytes, but its declared size is 20/);
    const long = await openSource({ stream: Readable.from([Buffer.alloc(30)]), size: 20 });
    await readAll(long, 8);
    await expect(long.assertUnchanged()).rejects.toThrow(/more bytes than its declared size of 20/);
    await expect(openSource({ stream: Readable.from([]), size: -1 })).rejects.toThrow(/exact size in bytes/);
  });

  it("throws typed errors naming the input", async () => {
    const missing = join(dir, "nope.mp4");
    await expect(openSource(missing)).rejects.toThrow(InputError);
    await expect(openSource(missing)).rejects.toThrow(`File not found: ${missing}`);
    await expect(openSource(pathToFileURL(missing))).rejects.toMatchObject({ code: "INPUT_FILE_NOT_FOUND" });
    mkdirSync(join(dir, "adir"));
    await expect(openSource(join(dir, "adir"))).rejects.toThrow(/is a directory/);
    const empty = join(dir, "empty.bin");
    writeFileSync(empty, "");
    expect((await openSource(empty)).size).toBe(0);
    await expect(openSource(empty, { rejectEmpty: true })).rejects.toMatchObject({ code: "INPUT_EMPTY" });
    await expect(openSource(42 as never)).rejects.toThrow(/Unsupported input/);
    await expect(openSource(new URL("https://example.com/a.png"))).rejects.toThrow(/Only file: URLs/);
  });

  it.skipIf(process.getuid?.() === 0)("reports an unreadable file (not testable as root)", async () => {
    const { path } = randomFile(dir, "locked.bin", 10);
    chmodSync(path, 0o000);
    await expect(openSource(path)).rejects.toMatchObject({ code: "INPUT_FILE_UNREADABLE" });
  });

  it("reads a file's byte ranges in reused buffers, and fails one the file no longer has", async () => {
    const MiB = 1024 * 1024;
    const { path, bytes } = randomFile(dir, "ranges.bin", 3 * MiB + 500_000);
    const source = await openSource(path);
    // Small and large ranges, starting on and off page boundaries, one after another (buffers pass from range to
    // range) and two at once (each has its own).
    const ranges: [number, number][] = [
      [0, 0],
      [0, 1],
      [10, 262_154],
      [0, 700_000],
      [4096, 4096 + MiB],
      [0, 3 * MiB + 500_000],
      [123_457, 3 * MiB + 1],
      [2 * MiB, 3 * MiB + 500_000],
    ];
    const read = async ([start, end]: [number, number]) => {
      const chunks: Buffer[] = [];
      for await (const chunk of source.readRange?.(start, end) ?? []) chunks.push(Buffer.from(chunk));
      return sha256(Buffer.concat(chunks));
    };
    for (const range of ranges) expect(await read(range)).toBe(sha256(bytes.subarray(...range)));
    const together = await Promise.all(ranges.map(read));
    expect(together).toEqual(ranges.map((range) => sha256(bytes.subarray(...range))));
    writeFileSync(path, bytes.subarray(0, 1000));
    const short = async () => {
      for await (const _ of source.readRange?.(0, 2 * MiB) ?? []);
    };
    await expect(short()).rejects.toThrow(/changed during the upload: it ends at byte 1000/);
  });

  it("places each read off the page offset of the file bytes it reads", () => {
    for (const position of [0, 1, 2047, 2048, 4095, 4096, 8 * 1024 * 1024, 107_374_183, 2 ** 40 + 17]) {
      const offset = readOffset(position);
      expect(offset).toBeGreaterThanOrEqual(0);
      expect(offset).toBeLessThan(READ_SLACK_BYTES);
      // A buffer that starts on a page boundary (large allocations do) never shares the bytes' page offset.
      expect((((offset - position) % 4096) + 4096) % 4096).toBeGreaterThan(0);
    }
  });

  it("notices a file that changes size during the upload", async () => {
    const { path } = randomFile(dir, "grows.bin", 1000);
    const source = await openSource(path);
    writeFileSync(path, Buffer.alloc(500));
    const body = await source.partBody({ partNumber: 1, start: 0, end: 1000, size: 1000 });
    await expect(collect(body.open())).rejects.toThrow(/changed during the upload/);
    await expect(source.assertUnchanged()).rejects.toThrow(/is now 500 bytes, was 1000/);
  });
});

async function collect(chunks: AsyncIterable<Uint8Array>): Promise<Uint8Array[]> {
  const all: Uint8Array[] = [];
  for await (const chunk of chunks) all.push(chunk);
  return all;
}

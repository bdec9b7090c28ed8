// The build bundles file-type into dist/node/file-type.js (bundle-file-type.mjs); the package no longer depends on
// file-type. The bundle must answer as file-type does, load nothing but Node's built-ins, and carry the licences.
import { execFile } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";
import { fileTypeFromBuffer as fileTypeItself } from "file-type/core";
import { describe, expect, it } from "vitest";
import { PNG_1X1, scratchDir } from "./support/files.js";

const run = promisify(execFile);

const bundlePath = new URL("../dist/node/file-type.js", import.meta.url);
const bundleText = readFileSync(bundlePath, "utf8");
const { fileTypeFromBuffer: fromBundle } = (await import(bundlePath.href)) as typeof import("file-type/core");

const ascii = (text: string) => Buffer.from(text, "latin1");
const padded = (head: Buffer, size = 4_100) => Buffer.concat([head, Buffer.alloc(Math.max(0, size - head.length), 0x20)]);
const box = (type: string, brand: string) =>
  Buffer.concat([Buffer.from([0, 0, 0, 0x18]), ascii(`${type}${brand}\0\0\0\0${brand}mp41`)]);

/** One stored (uncompressed) zip entry: what EPUB, OOXML and friends open with. */
function zipEntry(name: string, data: string): Buffer {
  const header = Buffer.alloc(30);
  header.writeUInt32LE(0x04034b50, 0);
  header.writeUInt16LE(20, 4);
  header.writeUInt32LE(data.length, 18);
  header.writeUInt32LE(data.length, 22);
  header.writeUInt16LE(name.length, 26);
  return Buffer.concat([header, ascii(name), ascii(data)]);
}

const samples: Record<string, Buffer> = {
  png: Buffer.from(PNG_1X1),
  jpeg: padded(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, ...ascii("JFIF\0")])),
  gif: padded(ascii("GIF89a\x01\0\x01\0")),
  webp: padded(Buffer.concat([ascii("RIFF"), Buffer.from([0x24, 0, 0, 0]), ascii("WEBPVP8 ")])),
  wav: padded(Buffer.concat([ascii("RIFF"), Buffer.from([0x24, 0, 0, 0]), ascii("WAVEfmt ")])),
  mp4: padded(box("ftyp", "isom")),
  mov: padded(box("ftyp", "qt  ")),
  heic: padded(box("ftyp", "heic")),
  mp3: padded(Buffer.concat([ascii("ID3"), Buffer.from([4, 0, 0, 0, 0, 0, 0, 0xff, 0xfb, 0x90, 0x64])])),
  ogg: padded(Buffer.concat([ascii("OggS"), Buffer.alloc(24), ascii("\x01vorbis")])),
  pdf: padded(ascii("%PDF-1.7\n")),
  gzip: gzipSync(Buffer.alloc(10_000, 7)),
  epub: padded(zipEntry("mimetype", "application/epub+zip")),
  docx: padded(Buffer.concat([zipEntry("[Content_Types].xml", "<Types/>"), zipEntry("word/document.xml", "<w/>")])),
};

describe("the bundled file-type (dist/node/file-type.js)", () => {
  it.each(Object.entries(samples))("names %s as file-type itself does", async (_name, bytes) => {
    const expected = await fileTypeItself(bytes);
    expect(expected?.mime).toBeTypeOf("string");
    expect(await fromBundle(bytes)).toEqual(expected);
  });

  it("names nothing in random bytes, an empty buffer or a truncated header, as file-type does", async () => {
    const inputs = [new Uint8Array(4_100).map((_, i) => (i * 7919 + 13) % 251), new Uint8Array(0), Buffer.from([0xff, 0xd8])];
    for (const bytes of inputs) expect(await fromBundle(bytes)).toEqual(await fileTypeItself(bytes));
  });

  it("is one module that imports nothing, with every bundled package's licence beside it", () => {
    const imported = [...bundleText.matchAll(/^\s*(?:import|export)\b[^;]*?\bfrom\s*["']([^"']+)["']/gm)].map((m) => m[1]);
    expect(imported).toEqual([]);
    expect(bundleText).not.toMatch(/\bimport\(["'][^"'.]|import\.meta|__require\(["']/);
    // Node 25 and later warn on any read of the global localStorage (debug's browser build looks for one).
    expect(bundleText).not.toContain("localStorage");
    const licences = readFileSync(new URL("../dist/node/file-type.LICENSES.txt", import.meta.url), "utf8");
    for (const name of ["file-type", "strtok3", "token-types", "@tokenizer/inflate", "ieee754", "debug", "ms"]) {
      expect(licences).toContain(`\n${name}@`);
    }
    expect(licences).toContain("Sindre Sorhus");
  });

  it("loads and answers in a plain Node process, with DEBUG set (debug enabled for @tokenizer/inflate)", async () => {
    const script = `const { fileTypeFromBuffer } = await import(${JSON.stringify(bundlePath.href)});
      const bytes = Buffer.from(process.argv[1], "base64");
      console.log((await fileTypeFromBuffer(bytes))?.mime);`;
    const { stdout } = await run(
      process.execPath,
      ["--input-type=module", "-e", script, (samples.docx as Buffer).toString("base64")],
      {
        env: { ...process.env, DEBUG: "*" },
      },
    );
    expect(stdout.trim()).toBe((await fileTypeItself(samples.docx as Buffer))?.mime);
  });

  // A server app bundled again by its own build, as CommonJS (an AWS Lambda's esbuild step): the sniff must survive.
  it("sniffs from an app that bundles @uploadkit/multipart into one CommonJS file", async () => {
    const { dir, cleanup } = scratchDir();
    try {
      const entry = join(dir, "app.mjs");
      writeFileSync(
        entry,
        `import { openSource } from ${JSON.stringify(fileURLToPath(new URL("../dist/index.js", import.meta.url)))};
openSource(Buffer.from(process.argv[2], "base64")).then((source) => console.log(source.contentType));`,
      );
      const outfile = join(dir, "app.cjs");
      await build({
        entryPoints: [entry],
        outfile,
        bundle: true,
        format: "cjs",
        platform: "node",
        target: "node20",
        logLevel: "error",
      });
      for (const [name, bytes] of [
        ["png", samples.png],
        ["docx", samples.docx],
      ] as const) {
        const { stdout } = await run(process.execPath, [outfile, (bytes as Buffer).toString("base64")]);
        expect(stdout.trim(), name).toBe((await fileTypeItself(bytes as Buffer))?.mime);
      }
    } finally {
      cleanup();
    }
  });
});

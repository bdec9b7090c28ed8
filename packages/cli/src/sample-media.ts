import { randomBytes } from "node:crypto";
import { open, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { crc32, deflateSync } from "node:zlib";
import { makeDirectory } from "@uploadkit/multipart/internal";

/** A real PNG (a colour gradient), `width` × `height`, RGB. */
export function gradientPng(width: number, height: number): Buffer {
  const rows = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    const row = y * (width * 3 + 1);
    for (let x = 0; x < width; x++) {
      rows[row + 1 + x * 3] = Math.round((255 * x) / width);
      rows[row + 2 + x * 3] = Math.round((255 * y) / height);
      rows[row + 3 + x * 3] = 160;
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from("89504e470d0a1a0a", "hex"),
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(rows)),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** An MP4-typed file (an `ftyp` box, then random bytes) of `size` bytes, written in 1 MiB blocks. */
export async function writeMp4Sample(path: string, size: number): Promise<void> {
  const handle = await open(path, "w");
  try {
    const ftyp = Buffer.from("0000001c667479706d703432000000006d703432697336366d703431", "hex");
    await handle.write(ftyp);
    for (let written = ftyp.length; written < size; ) {
      const block = randomBytes(Math.min(1024 * 1024, size - written));
      await handle.write(block);
      written += block.length;
    }
  } finally {
    await handle.close();
  }
}

/** sample.png and sample.mp4 in `dir`. */
export async function createSampleMedia(dir: string, mp4Size: number): Promise<string[]> {
  await makeDirectory(dir);
  const png = join(dir, "sample.png");
  const mp4 = join(dir, "sample.mp4");
  await writeFile(png, gradientPng(320, 240));
  await writeMp4Sample(mp4, mp4Size);
  return [png, mp4];
}

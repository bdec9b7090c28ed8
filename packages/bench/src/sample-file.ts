import { randomBytes } from "node:crypto";
import { closeSync, openSync, writeSync } from "node:fs";

const MiB = 1024 * 1024;

/** A file of `size` bytes of random data (each MiB made distinct), written a MiB at a time. */
export function writeSampleFile(path: string, size: number): string {
  const block = randomBytes(MiB);
  const fd = openSync(path, "w");
  try {
    for (let written = 0; written < size; written += MiB) {
      block.writeUInt32LE(written / MiB, 0);
      writeSync(fd, block, 0, Math.min(MiB, size - written));
    }
  } finally {
    closeSync(fd);
  }
  return path;
}

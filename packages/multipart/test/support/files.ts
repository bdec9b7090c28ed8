import { createHash, randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { scratchDir as newScratchDir, removeScratch } from "@uploadkit/sandbox";

export function sha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** A scratch directory removed by the returned cleanup (or at exit, or when the run is interrupted). */
export function scratchDir(): { dir: string; cleanup: () => void } {
  const dir = newScratchDir("test", { onSignal: true });
  return { dir, cleanup: () => removeScratch(dir) };
}

/** Random bytes written to `dir/name`; returns the path and the bytes. */
export function randomFile(dir: string, name: string, size: number): { path: string; bytes: Buffer } {
  const bytes = randomBytes(size);
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return { path, bytes };
}

/** The smallest valid PNG (1×1), for content sniffing. */
export const PNG_1X1 = Buffer.from(
  "89504e470d0a1a0a0000000d4948445200000001000000010806000000" +
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082",
  "hex",
);

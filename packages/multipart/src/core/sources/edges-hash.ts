import { createHash } from "node:crypto";

export const EDGE_BYTES = 1024 * 1024;

/** SHA-256 over the first and last MiB (the whole thing when smaller than 2 MiB). */
export async function edgesSha256(size: number, read: (start: number, end: number) => Promise<Uint8Array>): Promise<string> {
  const hash = createHash("sha256");
  if (size <= 2 * EDGE_BYTES) {
    hash.update(await read(0, size));
  } else {
    hash.update(await read(0, EDGE_BYTES));
    hash.update(await read(size - EDGE_BYTES, size));
  }
  return hash.digest("hex");
}

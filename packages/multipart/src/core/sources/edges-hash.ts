import { inlineHash } from "#runtime";

export const EDGE_BYTES = 1024 * 1024;

/** SHA-256 over the first and last MiB (the whole thing when smaller than 2 MiB). */
export async function edgesSha256(size: number, read: (start: number, end: number) => Promise<Uint8Array>): Promise<string> {
  const hash = inlineHash("sha256");
  const ranges: [number, number][] =
    size <= 2 * EDGE_BYTES
      ? [[0, size]]
      : [
          [0, EDGE_BYTES],
          [size - EDGE_BYTES, size],
        ];
  for (const [start, end] of ranges) {
    const wait = hash.update(await read(start, end));
    if (wait) await wait;
  }
  return hash.digest();
}

import { randomBytes } from "node:crypto";

/** mulberry32: reproducible sizes for a given seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `count` sizes from 1 byte to `max`, log-uniform so small and large files both appear. */
export function seededSizes(seed: number, count: number, max: number): number[] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, () => Math.max(1, Math.round(Math.exp(random() * Math.log(max)))));
}

export { randomBytes };

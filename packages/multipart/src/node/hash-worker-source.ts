import { createHash } from "node:crypto";
import { Md5Lanes, type Md5LanesLayout } from "../core/http/md5-lanes.js";
import { MD5_LANES_LAYOUT, md5LanesProbe } from "../core/http/md5-lanes-wasm.js";
import { MD5_LANES_MODULE_BASE64 } from "./md5-lanes-module.js";
import { readOffset } from "./read-offset.js";

// The worker's whole program, evaluated in the worker (no file to resolve, so it survives bundling). One message
// shape in each direction: { id, algorithm?, chunk?, end?, discard?, range?, urgent? } in; { id, hashed },
// { id, digest } or { id, error } out, and once at start { id: 0, lanes } (whether its MD5 lanes passed their
// self-check). A streamed MD5 takes a lane of the multi-lane module while one is free (workerData.md5 holds its
// bytes; absent where the runtime has no WebAssembly SIMD, and unused if its self-check fails); other streamed hashes
// use node:crypto. Streamed lanes are compressed once every open lane has bytes, or
// once half the in-flight allowance waits (so back-pressure never stalls on a lane that has nothing yet).
// A range is read RANGE_READ_BYTES at a time (placed by readOffset, off the page offset of the file's bytes), the
// next read once the last is hashed, between messages; its digest (or why the file could not give it) is the one
// answer. An MD5 range waits in `queued` for a free lane (urgent ones first). Ranges in lanes are held — one read
// each, nothing compressed — while lanes are free and none is urgent (asked for by { urgent }: its part is being sent):
// ranges started ahead of their parts then compress together instead of each alone as it arrives.
export const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const { createHash } = require("node:crypto");
const { openSync, readSync, closeSync } = require("node:fs");
const Md5Lanes = (${Md5Lanes.toString()});
const readOffset = (${readOffset.toString()});
let lanes;
try {
  const { bytes, layout, probe, probeMd5 } = workerData.md5 ?? {};
  const candidate = bytes && new Md5Lanes(new WebAssembly.Module(bytes), layout);
  if (candidate?.selfCheck(probe, probeMd5)) lanes = candidate;
} catch {}
parentPort.postMessage({ id: 0, lanes: lanes !== undefined });
const hashes = new Map();
let pumping = false;
const pump = () => { pumping = false; lanes.pump(workerData.holdBytes); };
const ranges = new Map();
const queued = [];
const spare = [];
let reading = false;
const schedule = () => { if (!reading) { reading = true; setImmediate(readRanges); } };
const closeFd = (fd) => { try { closeSync(fd); } catch {} };
const dropRange = (id) => {
  const range = ranges.get(id);
  if (range) { ranges.delete(id); lanes?.discard(id); closeFd(range.fd); return true; }
  const index = queued.findIndex((waiting) => waiting.id === id);
  if (index < 0) return false;
  closeFd(queued[index].fd);
  queued.splice(index, 1);
  return true;
};
const endRange = (id, answer) => { if (dropRange(id)) parentPort.postMessage({ id, ...answer }); };
const admit = () => {
  while (queued.length > 0 && lanes.open(queued[0].id)) { const range = queued.shift(); ranges.set(range.id, range); }
};
const readRanges = () => {
  reading = false;
  if (lanes) admit();
  let urgent = false;
  for (const range of ranges.values()) if (!range.hash && range.urgent) urgent = true;
  const hold = lanes !== undefined && !urgent && !lanes.full();
  for (const [id, range] of ranges) {
    if (range.position === range.end || (!range.hash && lanes.waiting(id) > 0)) continue;
    try {
      const buffer = spare.pop() ?? new Uint8Array(workerData.rangeReadBytes + workerData.readSlackBytes);
      const offset = readOffset(range.position);
      const read = readSync(range.fd, buffer, offset, Math.min(workerData.rangeReadBytes, range.end - range.position), range.position);
      if (read === 0) throw new Error("the file ends at byte " + range.position + ", before byte " + range.end);
      range.position += read;
      if (range.hash) { range.hash.update(buffer.subarray(offset, offset + read)); spare.push(buffer); }
      else lanes.add(id, buffer.subarray(offset, offset + read), () => spare.push(buffer));
    } catch (error) {
      endRange(id, { error: String(error?.message ?? error) });
    }
  }
  if (!hold) lanes?.pump(0);
  for (const [id, range] of ranges) {
    if (range.position < range.end || (!range.hash && lanes.waiting(id) > 0)) continue;
    endRange(id, { digest: range.hash ? range.hash.digest("hex") : lanes.digest(id) });
  }
  if (lanes) admit();
  let more = false;
  for (const [id, range] of ranges) if (range.hash || !hold || lanes.waiting(id) === 0) more = true;
  if (more) schedule();
};
const startRange = (id, algorithm, { path, start, end }) => {
  let fd;
  try { fd = openSync(path, "r"); } catch (error) { parentPort.postMessage({ id, error: String(error?.message ?? error) }); return; }
  const range = { id, fd, position: start, end, hash: undefined, urgent: false };
  if (algorithm === "md5" && lanes) queued.push(range);
  else { range.hash = createHash(algorithm); ranges.set(id, range); }
  schedule();
};
const prioritize = (id) => {
  const range = ranges.get(id);
  if (range) range.urgent = true;
  const index = queued.findIndex((waiting) => waiting.id === id);
  if (index >= 0) { const [waiting] = queued.splice(index, 1); waiting.urgent = true; queued.unshift(waiting); }
  schedule();
};
parentPort.on("message", ({ id, algorithm, chunk, end, discard, range, urgent }) => {
  if (discard) {
    hashes.delete(id);
    lanes?.discard(id);
    dropRange(id);
    return;
  }
  if (range) { startRange(id, algorithm, range); return; }
  if (urgent) { prioritize(id); return; }
  let hash = hashes.get(id);
  if (!hash && !lanes?.has(id) && !(algorithm === "md5" && lanes?.open(id))) {
    hash = createHash(algorithm);
    hashes.set(id, hash);
  }
  if (chunk) {
    const give = () => parentPort.postMessage({ id, hashed: chunk }, [chunk]);
    if (hash) { hash.update(new Uint8Array(chunk)); give(); }
    else {
      lanes.add(id, new Uint8Array(chunk), give);
      if (!pumping) { pumping = true; setImmediate(pump); }
    }
  }
  if (end) {
    hashes.delete(id);
    parentPort.postMessage({ id, digest: hash ? hash.digest("hex") : lanes.digest(id) });
  }
});
`;

/**
 * The multi-lane MD5 module, its layout and a probe to check it, for a worker or this thread; undefined where
 * WebAssembly SIMD is missing or UPLOADKIT_MD5_LANES=0.
 */
export function md5LanesConfig(): LanesConfig | undefined {
  if (process.env.UPLOADKIT_MD5_LANES === "0") return undefined;
  // The module's bytes as md5-lanes-wasm.ts assembles them, decoded (0.1 ms) rather than assembled (~16 ms of a cold
  // main thread, on the way to a process's first upload).
  const bytes = Buffer.from(MD5_LANES_MODULE_BASE64, "base64");
  const runtime = (globalThis as { WebAssembly?: { validate(bytes: Uint8Array): boolean } }).WebAssembly;
  if (!runtime?.validate(bytes)) return undefined;
  // Where lanes start, they first hash this and compare with node:crypto (Md5Lanes.selfCheck).
  const probe = md5LanesProbe();
  return { bytes, layout: MD5_LANES_LAYOUT, probe, probeMd5: createHash("md5").update(probe).digest("hex") };
}

export interface LanesConfig {
  bytes: Uint8Array;
  layout: Md5LanesLayout;
  probe: Uint8Array;
  probeMd5: string;
}

export interface WorkerAnswer {
  id: number;
  lanes?: boolean;
  hashed?: ArrayBuffer;
  digest?: string;
  error?: string;
}

export interface WorkerLike {
  postMessage(message: unknown, transfer?: ArrayBuffer[]): void;
  on(event: "message", listener: (message: WorkerAnswer) => void): void;
  on(event: "error", listener: (error: Error) => void): void;
  unref(): void;
  ref(): void;
}

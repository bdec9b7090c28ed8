import { md5 } from "@noble/hashes/legacy.js";
import { hashChunks } from "../core/http/hash-chunks.js";
import { hex } from "../core/http/hex.js";
import { Md5Lanes } from "../core/http/md5-lanes.js";
import { MD5_LANES_LAYOUT, md5LanesModuleBytes, md5LanesProbe } from "../core/http/md5-lanes-wasm.js";
import type { HashAlgorithm } from "../core/runtime/runtime-parts.js";
import { readableChunks } from "../core/sources/byte-streams.js";
import { startInlineHash } from "./inline-hash.js";
import { type WorkerLike, webGlobals } from "./web-globals.js";

/**
 * Bytes the lanes may hold, compressing nothing, while some open lane has none: a compression pass costs the same
 * for one lane as for four of a vector, so the lanes are fed together (hashing each Blob's reads alone ran at a quarter).
 */
const HOLD_BYTES = 8 * 1024 * 1024;

// The worker's whole program (no file to resolve, so it survives any bundler): MD5s of Blobs in the WebAssembly
// lanes, up to eight at a time. In: { id, blob } or { id, discard }; out: { id, digest } or { id, error } (then the page
// hashes that Blob itself). Blobs cross to the worker without their bytes being copied.
const WORKER_SOURCE = `
const Md5Lanes = (${Md5Lanes.toString()});
let lanes = null;
const waiting = [];
const discarded = new Set();
self.onmessage = (event) => {
  const { id, blob, discard, moduleBytes, layout, probe, probeMd5 } = event.data;
  if (moduleBytes) {
    try { const made = new Md5Lanes(new WebAssembly.Module(moduleBytes), layout); if (made.selfCheck(probe, probeMd5)) lanes = made; } catch {}
    next();
    return;
  }
  if (discard) {
    const queued = waiting.findIndex((job) => job.id === id);
    if (queued >= 0) waiting.splice(queued, 1);
    else discarded.add(id);
    return;
  }
  waiting.push({ id, blob });
  next();
};
let running = 0;
function next() {
  while (lanes && waiting.length > 0 && !lanes.full()) { const job = waiting.shift(); running++; hash(job).finally(() => { running--; next(); }); }
  if (!lanes) for (const job of waiting.splice(0)) postMessage({ id: job.id, error: "no lanes" });
}
async function hash({ id, blob }) {
  lanes.open(id);
  try {
    const reader = blob.stream().getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (discarded.has(id)) { reader.cancel().catch(() => {}); lanes.discard(id); discarded.delete(id); return; }
      lanes.add(id, value);
      lanes.pump(${HOLD_BYTES});
    }
    postMessage({ id, digest: lanes.digest(id) });
  } catch (error) {
    if (lanes.has(id)) lanes.discard(id);
    postMessage({ id, error: String(error && error.message || error) });
  }
}
`;

interface Pending {
  resolve(digest: string): void;
  fallback(): void;
}

let worker: WorkerLike | null | undefined;
const pending = new Map<number, Pending>();
let nextId = 1;

/** The hashing Web Worker, started on first use; null where none can start (no Worker, a CSP refusing blob: URLs). */
function hashingWorker(): WorkerLike | null {
  if (worker !== undefined) return worker;
  worker = null;
  const { Worker } = webGlobals;
  const createObjectURL = webGlobals.URL.createObjectURL;
  if (!Worker || !createObjectURL) return worker;
  try {
    const url = createObjectURL(new Blob([WORKER_SOURCE], { type: "text/javascript" }));
    const started = new Worker(url, { type: "module", name: "uploadkit-md5" });
    const probe = md5LanesProbe();
    started.postMessage({
      moduleBytes: md5LanesModuleBytes(),
      layout: MD5_LANES_LAYOUT,
      probe,
      probeMd5: hex(md5(probe)),
    });
    started.onmessage = ({ data }) => {
      const { id, digest, error } = data as { id: number; digest?: string; error?: string };
      const waiting = pending.get(id);
      pending.delete(id);
      if (digest !== undefined) waiting?.resolve(digest);
      else if (error !== undefined) waiting?.fallback();
    };
    started.onerror = () => {
      // The worker could not run (its script was refused): every Blob it holds, and every later one, is hashed here.
      worker = null;
      started.terminate();
      for (const waiting of pending.values()) waiting.fallback();
      pending.clear();
    };
    worker = started;
  } catch {
    worker = null;
  }
  return worker;
}

/** Starts the hashing Web Worker (its script and lanes load while an upload's first requests are under way). */
export function warmHashing(): void {
  hashingWorker();
}

/**
 * A digest of a Blob read apart from the request that sends it: MD5s in a Web Worker's lanes where one starts (the
 * page's thread does no hashing), else — and for SHA-256 — on this thread as the Blob is read.
 */
export function hashBlob(blob: Blob, algorithm: HashAlgorithm): { digest(): Promise<string>; discard(): void } {
  const onThisThread = () => hashChunks(readableChunks(blob.stream()), startInlineHash(algorithm));
  const target = algorithm === "md5" ? hashingWorker() : null;
  if (!target) return onThisThread();
  const id = nextId++;
  let local: ReturnType<typeof onThisThread> | undefined;
  const digest = new Promise<string>((resolve, reject) => {
    pending.set(id, {
      resolve,
      fallback: () => {
        local = onThisThread();
        local.digest().then(resolve, reject);
      },
    });
  });
  digest.catch(() => {});
  target.postMessage({ id, blob });
  return {
    digest: () => digest,
    discard: () => {
      if (pending.delete(id)) target.postMessage({ id, discard: true });
      local?.discard();
    },
  };
}

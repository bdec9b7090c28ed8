import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { Md5Lanes } from "../core/http/md5-lanes.js";
import { MD5_LANES } from "../core/http/md5-lanes-wasm.js";
import type { HashAlgorithm, RunningHash } from "../core/runtime/runtime-parts.js";
import type { SourceDigest } from "../core/sources/upload-source.js";
import { type LanesConfig, md5LanesConfig, WORKER_SOURCE, type WorkerAnswer, type WorkerLike } from "./hash-worker-source.js";
import { inlineHash } from "./inline-hash.js";
import { READ_SLACK_BYTES } from "./read-offset.js";

export type { HashAlgorithm, RunningHash } from "../core/runtime/runtime-parts.js";

/*
 * Digests computed on worker threads, so hashing every byte (MD5 for S3's ETags, SHA-256 for Flowkiwi) does not
 * delay the thread that moves the bytes. Two ways in:
 * - `hashFileRange`: the worker reads the byte range from the file itself, apart from the stream that sends it. The
 *   sending thread does no hashing work at all, and no bytes cross threads. The two reads are compared through the
 *   store's answer (an ETag is the MD5 of what the store received), so a file that changes between them fails the
 *   check instead of passing unnoticed.
 * - `startHash`: chunks are copied into 256 KiB batches that are transferred to a worker and back (no allocation per
 *   batch); at most `MAX_IN_FLIGHT_BYTES` wait to be hashed across all uploads, after which `update` returns a
 *   promise to wait on — memory stays bounded and, if the workers are the bottleneck, the upload slows to their pace.
 * Up to eight MD5s share one worker's SIMD lanes (md5-lanes.ts); a range started ahead of need waits for lane-mates
 * until its `prioritize()` (or `digest()`) says it is needed. On one core, with UPLOADKIT_HASH_WORKERS=0, or where
 * workers cannot start, `startHash` hashes on the calling thread (MD5s in that thread's lanes) and `hashFileRange`
 * declines, so the bytes are hashed as they stream.
 */

/** The file could not be read again for hashing: it was removed, or ended before the range did. */
export class RangeReadError extends Error {
  override name = "RangeReadError";
}

const BATCH_BYTES = 256 * 1024;
const MAX_IN_FLIGHT_BYTES = 4 * 1024 * 1024;
/** A worker reads a range this much at a time (one buffer per range being hashed). */
const RANGE_READ_BYTES = 256 * 1024;

class HashPool {
  private workers: WorkerLike[] | undefined;
  private unavailable = false;
  private nextId = 1;
  private nextWorker = 0;
  private inFlight = 0;
  private waiters: (() => void)[] = [];
  private readonly free: ArrayBuffer[] = [];
  private readonly digests = new Map<number, { resolve(hex: string): void; reject(error: Error): void }>();
  private pending = 0;
  private lanes: LanesConfig | undefined;
  private onThisThread: Md5Lanes | null | undefined;
  private readonly md5Open = new Map<WorkerLike, number>();
  /** What each started worker reported of its MD5 lanes. */
  readonly workerLanes: boolean[] = [];

  /** A hash on a worker, or inline where workers are unavailable or not wanted. */
  create(algorithm: HashAlgorithm): RunningHash {
    const workers = this.start();
    if (!workers) {
      const lanes = algorithm === "md5" ? this.inlineLanes() : undefined;
      const id = this.nextId++;
      return lanes?.open(id) ? new InlineLaneHash(this, lanes, id) : inlineHash(algorithm);
    }
    return new WorkerHash(this, this.pick(workers, algorithm), this.nextId++, algorithm);
  }

  /**
   * The worker for a new hash. An MD5 joins a worker's vector of four lanes that others have started (one lane
   * alone costs as much as four), else starts one on the worker with the fewest: its second vector of lanes costs
   * under half its first, an idle worker's first nothing more, on another core.
   */
  private pick(workers: WorkerLike[], algorithm: HashAlgorithm): WorkerLike {
    let withLane: WorkerLike | undefined;
    if (algorithm === "md5" && this.lanes) {
      const open = (worker: WorkerLike) => this.md5Open.get(worker) ?? 0;
      const roomy = workers.filter((worker) => open(worker) < MD5_LANES);
      withLane = roomy.find((worker) => open(worker) % 4 !== 0) ?? roomy.sort((a, b) => open(a) - open(b))[0];
    }
    const worker = withLane ?? (workers[this.nextWorker++ % workers.length] as WorkerLike);
    if (algorithm === "md5") this.md5Open.set(worker, (this.md5Open.get(worker) ?? 0) + 1);
    return worker;
  }

  /** A range of the file at `path` hashed by a worker that reads it; undefined where there are no workers. */
  createRange(path: string, start: number, end: number, algorithm: HashAlgorithm): SourceDigest | undefined {
    const workers = this.start();
    if (!workers) return undefined;
    const worker = this.pick(workers, algorithm);
    const id = this.nextId++;
    const result = this.awaitDigest(id);
    result.catch(() => {}); // a range discarded before its answer leaves no unhandled rejection
    this.hold();
    worker.postMessage({ id, algorithm, range: { path, start, end } });
    let open = true;
    let needed = false;
    const close = () => {
      if (open) this.closed(worker, algorithm);
      open = false;
    };
    // A range started ahead of its part waits in the worker for lane-mates until it is needed (see the worker).
    const prioritize = () => {
      if (!open || needed) return;
      needed = true;
      worker.postMessage({ id, urgent: true });
    };
    return {
      prioritize,
      digest: () => {
        prioritize();
        return result.finally(close);
      },
      discard: () => {
        if (!open) return;
        close();
        worker.postMessage({ id, discard: true });
        if (this.digests.delete(id)) this.release();
      },
    };
  }

  /** A hash of `worker`'s ended (digest or discard). */
  closed(worker: WorkerLike, algorithm: HashAlgorithm): void {
    if (algorithm === "md5") this.md5Open.set(worker, Math.max(0, (this.md5Open.get(worker) ?? 0) - 1));
  }

  post(worker: WorkerLike, message: { id: number; algorithm: HashAlgorithm; chunk?: ArrayBuffer; end?: boolean }): void {
    // One hold per answer the worker will send: `hashed` for a chunk, `digest` for the end.
    if (message.chunk) {
      this.inFlight += message.chunk.byteLength;
      this.hold();
    }
    if (message.end) this.hold();
    worker.postMessage(message, message.chunk ? [message.chunk] : []);
  }

  discard(worker: WorkerLike, id: number): void {
    worker.postMessage({ id, discard: true });
  }

  awaitDigest(id: number): Promise<string> {
    return new Promise((resolve, reject) => this.digests.set(id, { resolve, reject }));
  }

  /** A batch buffer: one the workers gave back, or a new one. */
  batch(): ArrayBuffer {
    return this.free.pop() ?? new ArrayBuffer(BATCH_BYTES);
  }

  /** Keeps a hashed batch for reuse, up to the in-flight allowance. */
  recycle(batch: ArrayBuffer): void {
    if (batch.byteLength === BATCH_BYTES && this.free.length * BATCH_BYTES < MAX_IN_FLIGHT_BYTES) this.free.push(batch);
  }

  /** The multi-lane MD5 on this thread, for when there are no workers; null where WebAssembly SIMD is missing. */
  private inlineLanes(): Md5Lanes | undefined {
    if (this.onThisThread === undefined) {
      const config = md5LanesConfig();
      const runtime = (globalThis as unknown as { WebAssembly: { Module: new (bytes: Uint8Array) => object } }).WebAssembly;
      this.onThisThread = null;
      try {
        const candidate = config && new Md5Lanes(new runtime.Module(config.bytes), config.layout);
        if (config && candidate?.selfCheck(config.probe, config.probeMd5)) this.onThisThread = candidate;
      } catch {
        // No lanes: node:crypto hashes.
      }
    }
    return this.onThisThread ?? undefined;
  }

  /** Resolves once fewer than the most bytes allowed are waiting to be hashed. */
  roomForMore(): undefined | Promise<void> {
    if (this.inFlight < MAX_IN_FLIGHT_BYTES) return undefined;
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  start(): WorkerLike[] | undefined {
    if (this.workers || this.unavailable) return this.workers;
    try {
      // One core moves the bytes; the others hash (at most four workers). On one core a worker would only add
      // copies and messages, so the calling thread hashes. UPLOADKIT_HASH_WORKERS sets the count; 0 hashes inline.
      const configured = Number(process.env.UPLOADKIT_HASH_WORKERS ?? Number.NaN);
      const count =
        Number.isSafeInteger(configured) && configured >= 0 ? Math.min(configured, 16) : Math.min(4, availableParallelism() - 1);
      if (count === 0) throw new Error("hashing on the calling thread");
      const workers: WorkerLike[] = [];
      this.lanes = md5LanesConfig();
      for (let i = 0; i < count; i++) {
        const worker = new Worker(WORKER_SOURCE, {
          eval: true,
          workerData: {
            md5: this.lanes,
            holdBytes: MAX_IN_FLIGHT_BYTES / 2,
            rangeReadBytes: RANGE_READ_BYTES,
            readSlackBytes: READ_SLACK_BYTES,
          },
          resourceLimits: { maxYoungGenerationSizeMb: 1, maxOldGenerationSizeMb: 16 },
        }) as unknown as WorkerLike;
        worker.on("message", (message) => this.receive(message));
        worker.on("error", (error) => this.fail(error));
        worker.unref();
        workers.push(worker);
      }
      this.workers ??= workers;
    } catch {
      this.unavailable = true;
    }
    return this.workers;
  }

  private receive(message: WorkerAnswer): void {
    if (message.lanes !== undefined) {
      this.workerLanes.push(message.lanes);
      return;
    }
    if (message.hashed !== undefined) {
      this.inFlight -= message.hashed.byteLength;
      this.recycle(message.hashed);
      this.release();
      if (this.inFlight < MAX_IN_FLIGHT_BYTES) for (const wake of this.waiters.splice(0)) wake();
    }
    // A digest or an error answers one awaited hash; one for a range discarded meanwhile is dropped.
    const waiting = message.digest !== undefined || message.error !== undefined ? this.digests.get(message.id) : undefined;
    if (waiting) {
      this.digests.delete(message.id);
      this.release();
      if (message.digest !== undefined) waiting.resolve(message.digest);
      else waiting.reject(new RangeReadError(message.error));
    }
  }

  /** A worker died (out of memory, killed): every digest waiting on the pool fails, and new hashes run inline. */
  private fail(error: Error): void {
    this.workers = undefined;
    this.unavailable = true;
    this.inFlight = 0;
    this.pending = 0;
    for (const wake of this.waiters.splice(0)) wake();
    for (const waiting of this.digests.values()) waiting.reject(new Error(`A hashing worker failed: ${error.message}`));
    this.digests.clear();
  }

  // Workers are unref'd so an idle pool never keeps the process alive; while any message is out, they are ref'd
  // so an awaited digest is not abandoned by an exiting event loop.
  private hold(): void {
    if (this.pending++ === 0) for (const worker of this.workers ?? []) worker.ref();
  }

  private release(): void {
    if (this.pending > 0 && --this.pending === 0) for (const worker of this.workers ?? []) worker.unref();
  }
}

/** Copies what it is given into 256 KiB batches (the caller may reuse its buffer) and hands each full one on. */
abstract class BatchedHash implements RunningHash {
  private batch: Uint8Array | undefined;
  private filled = 0;
  private ended = false;

  constructor(protected readonly pool: HashPool) {}

  update(chunk: Uint8Array): undefined | Promise<void> {
    let offset = 0;
    while (offset < chunk.length) {
      this.batch ??= new Uint8Array(this.pool.batch());
      const copied = Math.min(chunk.length - offset, BATCH_BYTES - this.filled);
      this.batch.set(chunk.subarray(offset, offset + copied), this.filled);
      this.filled += copied;
      offset += copied;
      if (this.filled === BATCH_BYTES) this.hand(this.take() as Uint8Array);
    }
    return this.afterUpdate();
  }

  digest(): Promise<string> {
    if (this.ended) throw new Error("digest() was already called");
    this.ended = true;
    return this.finish(this.take());
  }

  discard(): void {
    if (this.ended) return;
    this.ended = true;
    const batch = this.take();
    if (batch) this.pool.recycle(batch.buffer as ArrayBuffer);
    this.drop();
  }

  /** The batch filled so far, cut to its length, or undefined when it is empty; the next bytes start a new one. */
  private take(): Uint8Array | undefined {
    const batch = this.batch?.subarray(0, this.filled);
    this.batch = undefined;
    this.filled = 0;
    return batch?.length ? batch : undefined;
  }

  /** A full batch to hash. */
  protected abstract hand(batch: Uint8Array): void;
  /** What `update` returns: a promise to wait on when too much waits to be hashed. */
  protected abstract afterUpdate(): undefined | Promise<void>;
  /** Hashes the last, partial batch (if any) and gives the digest. */
  protected abstract finish(last: Uint8Array | undefined): Promise<string>;
  /** Forgets the hash. */
  protected abstract drop(): void;
}

/** A hash computed by a worker: batches are transferred there and come back for reuse. */
class WorkerHash extends BatchedHash {
  constructor(
    pool: HashPool,
    private readonly worker: WorkerLike,
    private readonly id: number,
    private readonly algorithm: HashAlgorithm,
  ) {
    super(pool);
  }

  protected hand(batch: Uint8Array): void {
    this.pool.post(this.worker, { id: this.id, algorithm: this.algorithm, chunk: batch.buffer as ArrayBuffer });
  }

  protected afterUpdate(): undefined | Promise<void> {
    return this.pool.roomForMore();
  }

  protected finish(last: Uint8Array | undefined): Promise<string> {
    this.pool.closed(this.worker, this.algorithm);
    const result = this.pool.awaitDigest(this.id);
    // A last, partial batch is cut to its length (the worker hashes whole buffers).
    const chunk = last ? (last.buffer.slice(0, last.length) as ArrayBuffer) : undefined;
    this.pool.post(this.worker, { id: this.id, algorithm: this.algorithm, ...(chunk ? { chunk } : {}), end: true });
    if (last) this.pool.recycle(last.buffer as ArrayBuffer);
    return result;
  }

  protected drop(): void {
    this.pool.closed(this.worker, this.algorithm);
    this.pool.discard(this.worker, this.id);
  }
}

/**
 * An MD5 in a lane of this thread's multi-lane module, compressed as soon as every open lane has a batch or half
 * the allowance waits.
 */
class InlineLaneHash extends BatchedHash {
  constructor(
    pool: HashPool,
    private readonly lanes: Md5Lanes,
    private readonly id: number,
  ) {
    super(pool);
  }

  protected hand(batch: Uint8Array): void {
    this.lanes.add(this.id, batch, () => this.pool.recycle(batch.buffer as ArrayBuffer));
  }

  protected afterUpdate(): undefined {
    this.lanes.pump(MAX_IN_FLIGHT_BYTES / 2);
    return undefined;
  }

  protected async finish(last: Uint8Array | undefined): Promise<string> {
    if (last) this.hand(last);
    return this.lanes.digest(this.id);
  }

  protected drop(): void {
    this.lanes.discard(this.id);
  }
}

const pool = new HashPool();

/**
 * Starts the hashing workers now, so the first upload's MD5s do not wait the ~25 ms a worker takes to start and
 * compile its lanes (a third of a 64 MiB upload on the null sink). Unreferenced: they keep no process alive.
 */
export function warmHashPool(): void {
  pool.start();
}

/** Whether each hashing worker started so far passed its MD5 lanes' self-check (else it hashes with node:crypto). */
export function hashWorkerLanes(): readonly boolean[] {
  return pool.workerLanes;
}

/** A running hash whose work happens off this thread where the runtime allows. */
export function startHash(algorithm: HashAlgorithm): RunningHash {
  return pool.create(algorithm);
}

/**
 * Starts hashing bytes [start, end) of the file at `path` on a worker that reads them itself; undefined where there
 * are no hashing workers (then hash the bytes as they stream).
 */
export function hashFileRange(path: string, start: number, end: number, algorithm: HashAlgorithm): SourceDigest | undefined {
  return pool.createRange(path, start, end, algorithm);
}

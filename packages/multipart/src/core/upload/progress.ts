/** Where an upload is: bytes and parts done of the total. */
export interface UploadProgress {
  /** Bytes acknowledged or in flight; bytes of a failed attempt are taken back. */
  loaded: number;
  /** Bytes in all. */
  total: number;
  /** Parts stored (a resumed upload starts with its finished ones). */
  partsDone: number;
  /** Parts in the plan (1 for a single-request upload). */
  partsTotal: number;
}

/** Receives progress reports. */
export type ProgressListener = (progress: UploadProgress) => void;

/**
 * Counts bytes as they are sent and reports every `intervalMs` or every 1% of the bytes, whichever comes first
 * (so a fast upload still reports its way through), plus every finished part.
 */
export class ProgressTracker {
  private loaded: number;
  private partsDone: number;
  private lastEmit = 0;
  private lastLoaded = 0;

  constructor(
    private readonly total: number,
    private readonly partsTotal: number,
    initial: { loaded: number; partsDone: number },
    private readonly listener: ProgressListener | undefined,
    private readonly intervalMs = 100,
  ) {
    this.loaded = initial.loaded;
    this.partsDone = initial.partsDone;
  }

  add(bytes: number): void {
    this.loaded += bytes;
    const now = Date.now();
    if (now - this.lastEmit >= this.intervalMs || (this.loaded - this.lastLoaded) * 100 >= this.total) this.emit(now);
  }

  takeBack(bytes: number): void {
    this.loaded -= bytes;
    this.emit(Date.now());
  }

  partDone(): void {
    this.partsDone++;
    this.emit(Date.now());
  }

  emit(now = Date.now()): void {
    this.lastEmit = now;
    this.lastLoaded = this.loaded;
    this.listener?.({ loaded: this.loaded, total: this.total, partsDone: this.partsDone, partsTotal: this.partsTotal });
  }
}

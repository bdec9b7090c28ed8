import { AbortError } from "../errors.js";
import { MD5_LANES } from "../http/md5-lanes-wasm.js";

/**
 * Digests a self-hashing source starts ahead of the parts holding a slot: as many as the hashing module has lanes
 * (md5-lanes-wasm.ts). A worker hashes faster than parts are sent, so a part's own range is often done before the
 * next part starts; the ranges ahead are what keep every lane busy (four ahead filled 4.7 of 8 lanes on average
 * and eight 8.0: 12 % less CPU per GiB on the null sink). Memory: one 256 KiB read buffer per lane in use.
 */
export const DIGESTS_AHEAD = MD5_LANES;

/** A count of places that is taken without waiting: `take()` gives a release, or undefined when none is free. */
export class LookAhead {
  private free: number;
  constructor(readonly size: number) {
    this.free = size;
  }

  take(): (() => void) | undefined {
    if (this.free === 0) return undefined;
    this.free--;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.free++;
    };
  }
}

/**
 * Parts in flight across several uploads: each part (or single-request upload) takes a slot before it is sent and
 * gives it back when it ends, so files uploaded at once share one limit.
 */
export class PartBudget {
  private free: number;
  private readonly waiting: (() => void)[] = [];
  /**
   * Digests started ahead of their parts (see uploadParts), across every upload sharing this budget: a part's own
   * digest starts once it holds a slot, and at most `lookAhead` more are open at once, however many files wait.
   */
  readonly lookAhead: LookAhead;

  constructor(
    readonly size: number,
    lookAhead = DIGESTS_AHEAD,
  ) {
    this.free = size;
    this.lookAhead = new LookAhead(lookAhead);
  }

  /** Resolves with the slot's release once one is free; rejects with an AbortError if `signal` aborts first. */
  async acquire(signal?: AbortSignal): Promise<() => void> {
    if (signal?.aborted) throw new AbortError(undefined, { cause: signal.reason });
    if (this.free > 0) {
      this.free--;
      return this.releaser();
    }
    await new Promise<void>((resolve, reject) => {
      const grant = () => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      };
      const onAbort = () => {
        const index = this.waiting.indexOf(grant);
        if (index >= 0) this.waiting.splice(index, 1);
        reject(new AbortError(undefined, { cause: signal?.reason }));
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.waiting.push(grant);
    });
    return this.releaser();
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next) next();
      else this.free++;
    };
  }
}

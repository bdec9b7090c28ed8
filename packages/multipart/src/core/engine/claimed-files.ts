import { claimPauseMs } from "../journal/journal-lease.js";
import { sleep } from "../retry-policy.js";

/**
 * Files of a shared journal that another worker held when this one reached them. Once the listing is done, each is
 * tried again — not before a pause after it was found held (a fraction of the lease): by then the other worker has
 * usually finished it (journaled: no call), or its lease ran out and this one takes it over, resuming from the
 * checkpoint the journal keeps.
 */
export class ClaimedFiles<Item> {
  readonly #items: { item: Item; at: number }[] = [];
  readonly #pauseMs: number;

  constructor(leaseMs: number | undefined) {
    this.#pauseMs = claimPauseMs(leaseMs);
  }

  get size(): number {
    return this.#items.length;
  }

  add(item: Item): void {
    this.#items.push({ item, at: Date.now() + this.#pauseMs });
  }

  /** A file to try again, once its pause is over; none before the listing is done, or when none waits. */
  async next(listed: boolean, signal: AbortSignal): Promise<Item | undefined> {
    if (!listed) return undefined;
    const waiting = this.#items.shift();
    if (waiting === undefined) return undefined;
    const left = waiting.at - Date.now();
    if (left > 0) await sleep(left, signal).catch(() => {});
    return waiting.item;
  }
}

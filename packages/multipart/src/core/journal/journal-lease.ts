import { JournalError, UploadkitError } from "../errors.js";
import type { JournalClaim } from "./upload-journal.js";

/**
 * How long to wait before asking again for a file another worker holds: a quarter of the lease (by then it is
 * usually finished), between 20 ms and 1 s.
 */
export function claimPauseMs(leaseMs: number | undefined): number {
  return Math.min(1000, Math.max(20, Math.floor((leaseMs ?? 4000) / 4)));
}

/** A shared journal's file that another worker holds right now: it waits, and is tried again later. */
export class FileClaimedElsewhere extends UploadkitError {
  override name = "FileClaimedElsewhere";
  constructor(readonly key: string) {
    super(`Another worker is uploading ${key}.`, { code: "JOURNAL_CLAIMED" });
  }
}

/**
 * Keeps a claim alive while its file uploads: renewed every third of the lease. A renewal that fails, or finds the
 * lease gone, aborts the upload (`lost`) with a JournalError — a worker never goes on uploading a file it no longer
 * holds, which another may already have taken over.
 */
export class JournalLease {
  readonly #timer: ReturnType<typeof setInterval>;
  #ended = false;

  constructor(
    private readonly claim: JournalClaim,
    leaseMs: number,
    private readonly lost: AbortController,
    private readonly key: string,
  ) {
    this.#timer = setInterval(() => void this.#renew(), Math.max(50, Math.floor(leaseMs / 3)));
    (this.#timer as { unref?: () => void }).unref?.();
  }

  async #renew(): Promise<void> {
    if (this.#ended) return;
    let kept = false;
    let cause: unknown;
    try {
      kept = await this.claim.renew();
    } catch (error) {
      cause = error;
    }
    if (kept || this.#ended) return;
    this.end();
    this.lost.abort(
      new JournalError(
        `The claim on ${this.key} was lost (${cause ? (cause as Error).message : "its lease ran out"}): this worker stopped uploading it; it resumes from its checkpoint on the next run or another worker.`,
        { code: "JOURNAL_LEASE_LOST", cause },
      ),
    );
  }

  /** Stops renewing and gives the file up. */
  end(): void {
    if (this.#ended) return;
    this.#ended = true;
    clearInterval(this.#timer);
    void this.claim.release().catch(() => {});
  }
}

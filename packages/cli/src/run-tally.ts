import type { RateLimitStats } from "@uploadkit/multipart";
import { formatMiB } from "./reporters/reporter.js";

type Kind = "uploaded" | "resumed" | "changed" | "done" | "found" | "skipped" | "notTaken" | "failed";

/** A run's counts (no per-file state): what the closing summary says. */
export class RunTally {
  private readonly counts: Record<Kind, number> = {
    uploaded: 0,
    resumed: 0,
    changed: 0,
    done: 0,
    found: 0,
    skipped: 0,
    notTaken: 0,
    failed: 0,
  };
  private bytes = 0;
  private readonly started = performance.now();

  count(kind: string, bytes: number): void {
    const known = (kind in this.counts ? kind : "uploaded") as Kind;
    this.counts[known]++;
    this.bytes += bytes;
  }

  get failed(): number {
    return this.counts.failed;
  }

  /**
   * "12 files: 9 uploaded, 2 already done (journal), 1 failed." then bytes, time and what the rate limit did:
   * "3.52 MiB sent in 4.1 s; the API refused 7 of 240 calls (rate limit), waiting 2.0 s in all."
   */
  summary(rate: RateLimitStats): string[] {
    const c = this.counts;
    const files = Object.values(c).reduce((sum, n) => sum + n, 0);
    const parts = [
      `${c.uploaded + c.changed} uploaded`,
      c.resumed ? `${c.resumed} resumed` : "",
      c.done ? `${c.done} already done (journal)` : "",
      c.found ? `${c.found} found at the provider` : "",
      c.skipped ? `${c.skipped} skipped` : "",
      c.notTaken ? `${c.notTaken} skipped (not taken by the provider)` : "",
      c.changed ? `${c.changed} of them changed since journaled` : "",
      c.failed ? `${c.failed} failed` : "",
    ].filter(Boolean);
    const seconds = (performance.now() - this.started) / 1000;
    const lines = [`${files} file${files === 1 ? "" : "s"}: ${parts.join(", ")}.`];
    if (files > 1 || rate.refused > 0) {
      const refused =
        rate.refused > 0
          ? `; the API refused ${rate.refused} of ${rate.calls} calls (rate limit), all files waiting ${(rate.waitedMs / 1000).toFixed(1)} s in all`
          : `; ${rate.calls} API calls, none refused`;
      lines.push(`${formatMiB(this.bytes)} MiB sent in ${seconds.toFixed(1)} s${refused}.`);
    }
    return lines;
  }
}

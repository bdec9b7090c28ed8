import type { LatencyRow } from "./latency.js";
import type { ManyFilesResult } from "./many-files.js";
import type { Row } from "./report.js";

/**
 * The latency issue's targets, each with this run's figure beside it: the time the API adds per provider, and the
 * many-files speed-up (throughput, memory, browser and rate-limit targets are in the checks table, run-summary.ts).
 */
export function speedTargets(_rows: readonly Row[], latency?: readonly LatencyRow[], manyFiles?: ManyFilesResult): string {
  const lines: string[] = [];
  if (latency) {
    // Flowkiwi's one request carries the file: what the API adds there is the whole upload's difference.
    const added = latency.map((row) =>
      row.provider === "flowkiwi"
        ? `${row.provider} ${signed(row.longerBy.median)} s (1 request, carrying the file)`
        : `${row.provider} ${signed(row.apiWaitAdded)} s (${row.roundTrips} round trips)`,
    );
    lines.push(`- API latency, time the API adds: ${added.join(", ")} (target ≤ 0.3 s: three round trips)`);
  }
  if (manyFiles) {
    lines.push(
      `- many files: ${manyFiles.speedUp.toFixed(1)}× faster with uploadMany, ${manyFiles.filesPerSecond.toFixed(1)} files/s (target ≥ 5×)`,
    );
  }
  return lines.join("\n");
}

/** `+0.25` or `-0.17`: a run can measure less time at 100 ms than at 0 ms (the store's noise). */
function signed(seconds: number): string {
  return `${seconds < 0 ? "-" : "+"}${Math.abs(seconds).toFixed(2)}`;
}

import type { LoggedRequest } from "@uploadkit/sandbox";

/**
 * The share of an account's rate a run used: calls the API accepted per second, over the span from the first API
 * call to the last (the run's start-up and the folder scan are not the limiter's to use), against what it allows.
 */
export function accountRateUsed(
  sandbox: { requests: readonly LoggedRequest[] },
  server: string,
  accepted: number,
  callsPerSecond: number,
): number {
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  for (const entry of sandbox.requests) {
    if (entry.server !== server) continue;
    first = Math.min(first, entry.at);
    last = Math.max(last, entry.at);
  }
  const span = Math.max(0.001, (last - first) / 1000);
  return accepted / span / callsPerSecond;
}

import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { createFanvueClient } from "@uploadkit/fanvue";
import { createFlowkiwiClient } from "@uploadkit/flowkiwi";
import { createOfauthClient } from "@uploadkit/ofauth";
import { PROVIDER_NAMES, type ProviderName } from "@uploadkit/providers";
import { createRecord360Client } from "@uploadkit/record360";
import { type ApiWait, ApiWaitMeter, type RequestSpan } from "./api-wait-meter.js";
import { startSandboxProcess } from "./sandbox-process.js";
import { type Spread, spread } from "./stats.js";

const MiB = 1024 * 1024;
/** The first bytes of an MP4, so the providers' type checks see a video. */
export const MP4_HEAD = Buffer.from("0000001c667479706d703432000000006d703432697336366d703431", "hex");

/**
 * One uploadMedia through a provider's client on a fresh sandbox (in a process of its own): seconds, the API round
 * trips it waited on, and the sandbox's own work (injected latency excluded) in the upload's last API call — the one
 * that completes it, where the store assembles the object.
 */
async function timedUpload(
  provider: ProviderName,
  latencyMs: number,
  path: string,
): Promise<{ seconds: number; wait: ApiWait; closingWork: number }> {
  const sandbox = await startSandboxProcess({ providers: [provider], latencyMs, fanvue: { processingMs: 0 } });
  try {
    const common = { filename: "clip.mp4", contentType: "video/mp4" };
    const uploads: Record<ProviderName, () => Promise<unknown>> = {
      fanvue: () =>
        createFanvueClient({ token: sandbox.fanvue.credentials.token, baseUrl: sandbox.fanvue.baseUrl }).uploadMedia(path, {
          ...common,
          partSize: 8 * MiB,
        }),
      ofauth: () =>
        createOfauthClient({ ...sandbox.ofauth.credentials, baseUrl: sandbox.ofauth.baseUrl }).uploadMedia(path, common),
      record360: () =>
        createRecord360Client({ token: sandbox.record360.credentials.token, baseUrl: sandbox.record360.baseUrl }).uploadMedia(
          path,
          common,
        ),
      flowkiwi: () =>
        createFlowkiwiClient({ ...sandbox.flowkiwi.credentials, baseUrl: sandbox.flowkiwi.baseUrl }).uploadMedia(path, common),
    };
    const meter = new ApiWaitMeter(new URL(sandbox[provider].baseUrl).origin);
    const started = performance.now();
    const upload = await uploads[provider]().then(
      () => undefined,
      (error: unknown) => error,
    );
    const seconds = (performance.now() - started) / 1000;
    const wait = meter.stop(FILE_CARRIERS[provider]);
    if (upload !== undefined) throw upload;
    // Flowkiwi's last call carries the file and is not among the waits.
    const closing = FILE_CARRIERS[provider] ? undefined : (await sandbox.requests()).filter((r) => r.server === provider).at(-1);
    const closingWork = Math.max(0, (closing?.answeredInMs ?? latencyMs) - latencyMs) / 1000;
    return { seconds, wait, closingWork };
  } finally {
    await sandbox.stop();
  }
}

/** Flowkiwi's one API call carries the file: it is a body transfer, not a round trip to hide. */
const FILE_CARRIERS: Partial<Record<ProviderName, (span: RequestSpan) => boolean>> = {
  flowkiwi: (span) => span.method === "POST" && span.path.endsWith("/medias"),
};

/** One provider's figures in the latency section. */
export interface LatencyRow {
  provider: ProviderName;
  fileBytes: number;
  /** Medians over the pairs, seconds. */
  secondsAtZero: number;
  secondsAtLatency: number;
  /** How much longer the upload took at the latency: median of the pairs' differences, and their spread. */
  longerBy: Spread;
  /** Round trips waited on with no body moving (median); Flowkiwi's one request carries the file and is not counted. */
  roundTrips: number;
  /**
   * How much longer those waits were than at 0 ms (median of the pairs), seconds, with the sandbox's own work in the
   * closing call taken out of each: the store assembling the object is the same work at either latency, and moves by
   * ±0.3 s from run to run.
   */
  apiWaitAdded: number;
  /** The sandbox's own work in the closing call (median of every run), seconds. */
  closingWork: number;
}

/**
 * Each provider's uploadMedia of one file at 0 ms and at `latencyMs` per API answer, in pairs (0 ms then `latencyMs`,
 * each on a fresh sandbox, `runs` pairs): the median of the pairs' differences, and — from undici's diagnostics
 * channels — the round trips the upload waited on with no body moving, and how much longer those waits were than at
 * 0 ms, the sandbox's own work in the closing call taken out (complete assembles the object, which varies by tenths
 * of a second between runs; the sandbox's request log times it). The number of round trips waited on does not vary.
 * (Flowkiwi takes videos up to 100 MB: it uploads 95 MB.)
 */
export async function measureLatency(scratch: string, sizeMiB: number, latencyMs: number, runs: number): Promise<LatencyRow[]> {
  const big = join(scratch, "latency.mp4");
  const small = join(scratch, "latency-flowkiwi.mp4");
  const sizes = { big: sizeMiB * MiB, small: Math.min(sizeMiB * MiB, 95_000_000) };
  writeFileSync(big, Buffer.concat([MP4_HEAD, randomBytes(sizes.big - MP4_HEAD.length)]));
  writeFileSync(small, Buffer.concat([MP4_HEAD, randomBytes(sizes.small - MP4_HEAD.length)]));
  const rows: LatencyRow[] = [];
  for (const provider of PROVIDER_NAMES) {
    const path = provider === "flowkiwi" ? small : big;
    const fast: number[] = [];
    const slow: number[] = [];
    const differences: number[] = [];
    const roundTrips: number[] = [];
    const waitAdded: number[] = [];
    const closingWork: number[] = [];
    for (let run = 0; run < runs; run++) {
      const atZero = await timedUpload(provider, 0, path);
      const atLatency = await timedUpload(provider, latencyMs, path);
      fast.push(atZero.seconds);
      slow.push(atLatency.seconds);
      differences.push(atLatency.seconds - atZero.seconds);
      roundTrips.push(atLatency.wait.roundTrips);
      waitAdded.push(atLatency.wait.seconds - atLatency.closingWork - (atZero.wait.seconds - atZero.closingWork));
      closingWork.push(atZero.closingWork, atLatency.closingWork);
    }
    rows.push({
      provider,
      fileBytes: provider === "flowkiwi" ? sizes.small : sizes.big,
      secondsAtZero: spread(fast).median,
      secondsAtLatency: spread(slow).median,
      longerBy: spread(differences),
      roundTrips: spread(roundTrips).median,
      apiWaitAdded: spread(waitAdded).median,
      closingWork: spread(closingWork).median,
    });
  }
  return rows;
}

/** The latency section as a markdown table. */
export function latencyMarkdown(rows: readonly LatencyRow[], latencyMs: number, runs: number): string {
  const lines = [
    `| provider | file | at 0 ms | at ${latencyMs} ms per API answer | longer by (median of ${runs} pairs, min–max) | API round trips waited on | API wait added (median; closing call's own work taken out) | closing call's own work |`,
    "|---|---|---|---|---|---|---|---|",
  ];
  for (const row of rows) {
    const size = row.fileBytes % MiB === 0 ? `${row.fileBytes / MiB} MiB` : `${Math.round(row.fileBytes / 1e6)} MB`;
    const longer = `${row.longerBy.median.toFixed(2)} s (${row.longerBy.min.toFixed(2)}–${row.longerBy.max.toFixed(2)})`;
    const trips = `${row.roundTrips}${row.provider === "flowkiwi" ? " (+ the upload request itself)" : ""}`;
    lines.push(
      `| ${row.provider} | ${size} | ${row.secondsAtZero.toFixed(2)} s | ${row.secondsAtLatency.toFixed(2)} s | ${longer} | ${trips} | ${row.apiWaitAdded.toFixed(2)} s | ${row.closingWork.toFixed(2)} s |`,
    );
  }
  return lines.join("\n");
}

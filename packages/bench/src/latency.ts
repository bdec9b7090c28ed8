import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { createFanvueClient } from "@uploadkit/fanvue";
import { createFlowkiwiClient } from "@uploadkit/flowkiwi";
import { DEFAULT_FILES_CONCURRENCY } from "@uploadkit/multipart/internal";
import { createOfauthClient } from "@uploadkit/ofauth";
import { PROVIDER_NAMES, type ProviderName } from "@uploadkit/providers";
import { createRecord360Client } from "@uploadkit/record360";
import { startSandbox } from "@uploadkit/sandbox";
import { type ApiWait, ApiWaitMeter, type RequestSpan } from "./api-wait-meter.js";

const MiB = 1024 * 1024;
const MP4_HEAD = Buffer.from("0000001c667479706d703432000000006d703432697336366d703431", "hex");

/** One uploadMedia through a provider's client on a fresh sandbox: seconds, and the API round trips it waited on. */
async function timedUpload(provider: ProviderName, latencyMs: number, path: string): Promise<{ seconds: number; wait: ApiWait }> {
  const sandbox = await startSandbox({ providers: [provider], latencyMs, fanvue: { processingMs: 0 } });
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
    return { seconds, wait };
  } finally {
    await sandbox.stop();
  }
}

/** Flowkiwi's one API call carries the file: it is a body transfer, not a round trip to hide. */
const FILE_CARRIERS: Partial<Record<ProviderName, (span: RequestSpan) => boolean>> = {
  flowkiwi: (span) => span.method === "POST" && span.path.endsWith("/medias"),
};

/**
 * Each provider's uploadMedia of one file at 0 ms and at `latencyMs` per API answer, in pairs (0 ms then `latencyMs`,
 * each on a fresh sandbox, `runs` pairs): the median of the pairs' differences, and — from undici's diagnostics
 * channels — the round trips the upload waited on with no body moving, and how much longer those waits were than at
 * 0 ms. The store's own work (complete assembles the object) varies by tenths of a second between runs; the number
 * of round trips waited on does not. (Flowkiwi takes videos up to
 * 100 MB: it uploads 95 MB.)
 */
export async function latencySection(scratch: string, sizeMiB: number, latencyMs: number, runs: number): Promise<string> {
  const big = join(scratch, "latency.mp4");
  const small = join(scratch, "latency-flowkiwi.mp4");
  writeFileSync(big, Buffer.concat([MP4_HEAD, randomBytes(sizeMiB * MiB - MP4_HEAD.length)]));
  writeFileSync(small, Buffer.concat([MP4_HEAD, randomBytes(Math.min(sizeMiB * MiB, 95_000_000) - MP4_HEAD.length)]));
  const lines = [
    `| provider | file | at 0 ms | at ${latencyMs} ms per API answer | longer by (median of ${runs} pairs, min–max) | API round trips waited on | API wait added (median) |`,
    "|---|---|---|---|---|---|---|",
  ];
  for (const provider of PROVIDER_NAMES) {
    const path = provider === "flowkiwi" ? small : big;
    const fast: number[] = [];
    const slow: number[] = [];
    const differences: number[] = [];
    const waits: ApiWait[] = [];
    const waitAdded: number[] = [];
    for (let run = 0; run < runs; run++) {
      const atZero = await timedUpload(provider, 0, path);
      const atLatency = await timedUpload(provider, latencyMs, path);
      fast.push(atZero.seconds);
      slow.push(atLatency.seconds);
      differences.push(atLatency.seconds - atZero.seconds);
      waits.push(atLatency.wait);
      waitAdded.push(atLatency.wait.seconds - atZero.wait.seconds);
    }
    const size = provider === "flowkiwi" ? "95 MB" : `${sizeMiB} MiB`;
    const spread = `${Math.min(...differences).toFixed(2)}–${Math.max(...differences).toFixed(2)}`;
    const roundTrips = median(waits.map((wait) => wait.roundTrips));
    const added = median(waitAdded);
    lines.push(
      `| ${provider} | ${size} | ${median(fast).toFixed(2)} s | ${median(slow).toFixed(2)} s | ${median(differences).toFixed(2)} s (${spread}) | ${roundTrips}${provider === "flowkiwi" ? " (+ the upload request itself)" : ""} | ${added.toFixed(2)} s |`,
    );
  }
  return lines.join("\n");
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

/** Uploads `count` files of 1 MiB through Record360's flow at `latencyMs`: one after another, then with uploadMany. */
export async function manyFilesSection(scratch: string, count: number, latencyMs: number): Promise<string> {
  const paths = Array.from({ length: count }, (_, index) => {
    const path = join(scratch, `many-${index}.mp4`);
    writeFileSync(path, Buffer.concat([MP4_HEAD, randomBytes(MiB - MP4_HEAD.length)]));
    return path;
  });
  const sandbox = await startSandbox({ providers: ["record360"], latencyMs });
  try {
    const client = createRecord360Client({ token: sandbox.record360.credentials.token, baseUrl: sandbox.record360.baseUrl });
    const items = paths.map((input) => ({ input, options: { contentType: "video/mp4" } }));
    const timed = async (filesConcurrency: number) => {
      const started = performance.now();
      const outcomes = await client.uploadMany(items, { filesConcurrency });
      if (outcomes.some((outcome) => !outcome.ok)) throw new Error("a file of the many-files section failed");
      return (performance.now() - started) / 1000;
    };
    const one = await timed(1);
    const many = await timed(DEFAULT_FILES_CONCURRENCY);
    return [
      `| ${count} files of 1 MiB, Record360, ${latencyMs} ms per API answer | seconds | files/s |`,
      "|---|---|---|",
      `| one after another | ${one.toFixed(1)} | ${(count / one).toFixed(1)} |`,
      `| uploadMany (${DEFAULT_FILES_CONCURRENCY} files at once) | ${many.toFixed(1)} | ${(count / many).toFixed(1)} |`,
      `| speed-up | ${(one / many).toFixed(1)}× | |`,
    ].join("\n");
  } finally {
    await sandbox.stop();
  }
}

import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { createFanvueClient } from "@uploadkit/fanvue";
import { createFlowkiwiClient } from "@uploadkit/flowkiwi";
import { DEFAULT_FILES_CONCURRENCY } from "@uploadkit/multipart/internal";
import { createOfauthClient } from "@uploadkit/ofauth";
import { PROVIDER_NAMES, type ProviderName } from "@uploadkit/providers";
import { createRecord360Client } from "@uploadkit/record360";
import { type Sandbox, startSandbox } from "@uploadkit/sandbox";

const MiB = 1024 * 1024;
const MP4_HEAD = Buffer.from("0000001c667479706d703432000000006d703432697336366d703431", "hex");

/** One uploadMedia through a provider's client on the sandbox, in seconds. */
async function timedUpload(provider: ProviderName, sandbox: Sandbox, path: string): Promise<number> {
  const common = { filename: "clip.mp4", contentType: "video/mp4" };
  const started = performance.now();
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
  await uploads[provider]();
  return (performance.now() - started) / 1000;
}

/**
 * Each provider's uploadMedia of one file at 0 ms and at `latencyMs` per API answer: how much longer the round trips
 * make it (medians of `runs`), in seconds and in round trips. (Flowkiwi takes videos up to 100 MB: it uploads 95 MB.)
 */
export async function latencySection(scratch: string, sizeMiB: number, latencyMs: number, runs: number): Promise<string> {
  const big = join(scratch, "latency.mp4");
  const small = join(scratch, "latency-flowkiwi.mp4");
  writeFileSync(big, Buffer.concat([MP4_HEAD, randomBytes(sizeMiB * MiB - MP4_HEAD.length)]));
  writeFileSync(small, Buffer.concat([MP4_HEAD, randomBytes(Math.min(sizeMiB * MiB, 95_000_000) - MP4_HEAD.length)]));
  const seconds: Record<string, number[]> = {};
  for (const latency of [0, latencyMs]) {
    const sandbox = await startSandbox({ latencyMs: latency, fanvue: { processingMs: 0 } });
    try {
      for (const provider of PROVIDER_NAMES) {
        const times: number[] = [];
        for (let run = 0; run < runs; run++)
          times.push(await timedUpload(provider, sandbox, provider === "flowkiwi" ? small : big));
        seconds[provider] = [...(seconds[provider] ?? []), median(times)];
      }
    } finally {
      await sandbox.stop();
    }
  }
  const lines = [
    `| provider | file | at 0 ms | at ${latencyMs} ms per API answer | longer by | round trips |`,
    "|---|---|---|---|---|---|",
  ];
  for (const provider of PROVIDER_NAMES) {
    const [fast = 0, slow = 0] = seconds[provider] ?? [];
    const size = provider === "flowkiwi" ? "95 MB" : `${sizeMiB} MiB`;
    lines.push(
      `| ${provider} | ${size} | ${fast.toFixed(2)} s | ${slow.toFixed(2)} s | ${(slow - fast).toFixed(2)} s | ${((slow - fast) / (latencyMs / 1000)).toFixed(1)} |`,
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

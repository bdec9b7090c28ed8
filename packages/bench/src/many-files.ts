import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { DEFAULT_FILES_CONCURRENCY } from "@uploadkit/multipart/internal";
import { createRecord360Client } from "@uploadkit/record360";
import { startSandbox } from "@uploadkit/sandbox";
import { MP4_HEAD } from "./latency.js";

const MiB = 1024 * 1024;

/** The many-files section's figures. */
export interface ManyFilesResult {
  files: number;
  latencyMs: number;
  filesConcurrency: number;
  oneAfterAnotherSeconds: number;
  uploadManySeconds: number;
  speedUp: number;
  filesPerSecond: number;
}

/** Uploads `count` files of 1 MiB through Record360's flow at `latencyMs`: one after another, then with uploadMany. */
export async function measureManyFiles(scratch: string, count: number, latencyMs: number): Promise<ManyFilesResult> {
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
    return {
      files: count,
      latencyMs,
      filesConcurrency: DEFAULT_FILES_CONCURRENCY,
      oneAfterAnotherSeconds: one,
      uploadManySeconds: many,
      speedUp: one / many,
      filesPerSecond: count / many,
    };
  } finally {
    await sandbox.stop();
  }
}

/** The many-files section as a markdown table. */
export function manyFilesMarkdown(result: ManyFilesResult): string {
  const { files, latencyMs, filesConcurrency, oneAfterAnotherSeconds: one, uploadManySeconds: many } = result;
  return [
    `| ${files} files of 1 MiB, Record360, ${latencyMs} ms per API answer | seconds | files/s |`,
    "|---|---|---|",
    `| one after another | ${one.toFixed(1)} | ${(files / one).toFixed(1)} |`,
    `| uploadMany (${filesConcurrency} files at once) | ${many.toFixed(1)} | ${result.filesPerSecond.toFixed(1)} |`,
    `| speed-up | ${result.speedUp.toFixed(1)}× | |`,
  ].join("\n");
}

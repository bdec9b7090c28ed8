import { type ChildProcess, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import {
  AbortMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { type LocalCeph, type S3Config, s3ConfigFromEnv, startEmbeddedS3, startLocalCeph } from "@uploadkit/sandbox";
import type { Job } from "../job.js";

/** null-sink: a discard server; s3-store: s3rver (a fake); rgw: a real S3 engine (Ceph's radosgw, or UPLOADKIT_S3_*). */
export type TargetName = "null-sink" | "s3-store" | "rgw";
export const TARGET_NAMES: readonly TargetName[] = ["null-sink", "s3-store", "rgw"];

/** Where a run uploads to: URLs for the part-based contestants and S3 coordinates for lib-storage. */
export interface PreparedTarget {
  urls: Pick<Job, "partUrls" | "singleUrl" | "s3">;
  /** Called after the run (the s3 store is thrown away, so disk use does not grow with runs). */
  dispose(): Promise<void>;
}

const CREDENTIALS = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" };
const BUCKET = "bench";

/** A null sink in its own process, started once per bench. */
export async function startNullSink(): Promise<{ endpoint: string; cpuSeconds(): Promise<number>; stop(): void }> {
  const child: ChildProcess = spawn(process.execPath, [new URL("./null-sink.js", import.meta.url).pathname], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout?.once("data", (chunk: Buffer) => resolve(JSON.parse(chunk.toString()).port));
    child.once("exit", (code) => reject(new Error(`null sink exited (${code})`)));
  });
  const endpoint = `http://127.0.0.1:${port}`;
  const cpuSeconds = async () => ((await (await fetch(`${endpoint}/__cpu`)).json()) as { cpuSeconds: number }).cpuSeconds;
  return { endpoint, cpuSeconds, stop: () => child.kill() };
}

/** The sink's URLs; each part URL carries the part's size and MD5 (from `partDigests`, computed before the timer). */
export function prepareSink(endpoint: string, parts: { size: number; md5: string }[], fileMd5: string): PreparedTarget {
  return {
    urls: {
      partUrls: parts.map(
        (part, i) => `${endpoint}/${BUCKET}/file?partNumber=${i + 1}&uploadId=sink-upload&size=${part.size}&etag=${part.md5}`,
      ),
      singleUrl: `${endpoint}/${BUCKET}/file?etag=${fileMd5}`,
      s3: { endpoint, bucket: BUCKET, key: "file", region: "us-east-1", ...CREDENTIALS },
    },
    dispose: async () => {},
  };
}

/** The MD5 of each part of `file` (parts of `partSize`, the last smaller) and of the whole file, read once. */
export async function partDigests(
  file: string,
  size: number,
  partSize: number,
): Promise<{ parts: { size: number; md5: string }[]; md5: string }> {
  const whole = createHash("md5");
  const parts: { size: number; md5: string }[] = [];
  for (let start = 0; start < size; start += partSize) {
    const part = createHash("md5");
    for await (const chunk of createReadStream(file, { start, end: Math.min(size, start + partSize) - 1 })) {
      part.update(chunk as Buffer);
      whole.update(chunk as Buffer);
    }
    parts.push({ size: Math.min(partSize, size - start), md5: part.digest("hex") });
  }
  return { parts, md5: whole.digest("hex") };
}

/** A fresh s3rver (the sandbox's embedded store) with a multipart upload started and its part URLs presigned. */
export async function prepareS3(partCount: number): Promise<PreparedTarget> {
  const store = await startEmbeddedS3({ bucket: BUCKET });
  return presignedTarget(store.config, partCount, () => store.stop());
}

/** A real S3 engine for the whole bench: the one in UPLOADKIT_S3_* when set, else a local Ceph started for it. */
export async function startEngine(largestBytes: number): Promise<{ config: S3Config; ceph?: LocalCeph; stop(): Promise<void> }> {
  const configured = s3ConfigFromEnv();
  if (configured) return { config: configured, stop: async () => {} };
  // Every contestant's run is aborted or deleted and collected before the next, so a few times the largest file fits.
  const ceph = await startLocalCeph({ bucket: BUCKET, memoryBytes: Math.max(8 * 1024 ** 3, 4 * largestBytes) });
  return { config: ceph.config, ceph, stop: () => ceph.stop() };
}

/** A multipart upload started on the engine, its part URLs presigned; afterwards aborted, deleted and collected. */
export async function prepareEngine(engine: { config: S3Config; ceph?: LocalCeph }, partCount: number): Promise<PreparedTarget> {
  return presignedTarget(engine.config, partCount, async () => {
    await engine.ceph?.collectGarbage();
  });
}

async function presignedTarget(config: S3Config, partCount: number, afterwards: () => Promise<void>): Promise<PreparedTarget> {
  const { endpoint, bucket } = config;
  const credentials = { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey };
  const client = new S3Client({
    endpoint,
    region: config.region,
    forcePathStyle: config.forcePathStyle ?? true,
    credentials,
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  });
  const run = crypto.randomUUID();
  const keys = { parts: `bench/${run}/parts`, single: `bench/${run}/single`, libStorage: `bench/${run}/lib-storage` };
  const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: keys.parts }));
  const partUrls = await Promise.all(
    Array.from({ length: partCount }, (_, i) =>
      getSignedUrl(client, new UploadPartCommand({ Bucket: bucket, Key: keys.parts, UploadId, PartNumber: i + 1 }), {
        expiresIn: 3600,
      }),
    ),
  );
  const singleUrl = await getSignedUrl(client, new PutObjectCommand({ Bucket: bucket, Key: keys.single }), { expiresIn: 3600 });
  return {
    urls: { partUrls, singleUrl, s3: { endpoint, bucket, key: keys.libStorage, region: config.region, ...credentials } },
    dispose: async () => {
      await client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: keys.parts, UploadId })).catch(() => {});
      for (const key of [keys.single, keys.libStorage]) {
        await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key })).catch(() => {});
      }
      client.destroy();
      await afterwards();
    },
  };
}

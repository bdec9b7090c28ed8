import { type ChildProcess, spawn } from "node:child_process";
import { CreateMultipartUploadCommand, PutObjectCommand, S3Client, UploadPartCommand } from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { startEmbeddedS3 } from "@uploadkit/sandbox";
import type { Job } from "../job.js";

export type TargetName = "null-sink" | "s3-store";

/** Where a run uploads to: URLs for the part-based contestants and S3 coordinates for lib-storage. */
export interface PreparedTarget {
  urls: Pick<Job, "partUrls" | "singleUrl" | "s3">;
  /** Called after the run (the s3 store is thrown away, so disk use does not grow with runs). */
  dispose(): Promise<void>;
}

const CREDENTIALS = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" };
const BUCKET = "bench";

/** A null sink in its own process, started once per bench. */
export async function startNullSink(): Promise<{ endpoint: string; stop(): void }> {
  const child: ChildProcess = spawn(process.execPath, [new URL("./null-sink.js", import.meta.url).pathname], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout?.once("data", (chunk: Buffer) => resolve(JSON.parse(chunk.toString()).port));
    child.once("exit", (code) => reject(new Error(`null sink exited (${code})`)));
  });
  return { endpoint: `http://127.0.0.1:${port}`, stop: () => child.kill() };
}

export function prepareSink(endpoint: string, partCount: number): PreparedTarget {
  return {
    urls: {
      partUrls: Array.from(
        { length: partCount },
        (_, i) => `${endpoint}/${BUCKET}/file?partNumber=${i + 1}&uploadId=sink-upload`,
      ),
      singleUrl: `${endpoint}/${BUCKET}/file`,
      s3: { endpoint, bucket: BUCKET, key: "file", region: "us-east-1", ...CREDENTIALS },
    },
    dispose: async () => {},
  };
}

/** A fresh s3rver (the sandbox's embedded store) with a multipart upload started and its part URLs presigned. */
export async function prepareS3(partCount: number): Promise<PreparedTarget> {
  const store = await startEmbeddedS3({ bucket: BUCKET });
  const { endpoint } = store.config;
  const client = new S3Client({
    endpoint,
    region: "us-east-1",
    forcePathStyle: true,
    credentials: { accessKeyId: store.config.accessKeyId, secretAccessKey: store.config.secretAccessKey },
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  });
  const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: "parts" }));
  const partUrls = await Promise.all(
    Array.from({ length: partCount }, (_, i) =>
      getSignedUrl(client, new UploadPartCommand({ Bucket: BUCKET, Key: "parts", UploadId, PartNumber: i + 1 }), {
        expiresIn: 3600,
      }),
    ),
  );
  const singleUrl = await getSignedUrl(client, new PutObjectCommand({ Bucket: BUCKET, Key: "single" }), { expiresIn: 3600 });
  return {
    urls: { partUrls, singleUrl, s3: { endpoint, bucket: BUCKET, key: "lib-storage", region: "us-east-1", ...CREDENTIALS } },
    dispose: async () => {
      client.destroy();
      await store.stop();
    },
  };
}

import { createReadStream } from "node:fs";
import { S3Client } from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import type { Job } from "../job.js";

/** @aws-sdk/lib-storage's Upload from fs.createReadStream, queueSize = concurrency, the same part size. */
export async function upload(job: Job): Promise<void> {
  const client = new S3Client({
    endpoint: job.s3.endpoint,
    region: job.s3.region,
    forcePathStyle: true,
    credentials: { accessKeyId: job.s3.accessKeyId, secretAccessKey: job.s3.secretAccessKey },
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  });
  const uploader = new Upload({
    client,
    params: { Bucket: job.s3.bucket, Key: job.s3.key, Body: createReadStream(job.file) },
    queueSize: job.concurrency,
    partSize: job.partSize,
  });
  await uploader.done();
  client.destroy();
}

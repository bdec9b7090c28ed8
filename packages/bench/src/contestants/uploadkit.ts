import { openSource, planParts, S3_PART_RULES, uploadParts } from "@uploadkit/multipart";
import type { Job } from "../job.js";

/** @uploadkit/multipart's uploadParts from a file path (integrity checks on, or off for the -no-checksum run). */
export async function upload(job: Job): Promise<void> {
  const source = await openSource(job.file);
  // The same ranges as every other contestant: parts of job.partSize, the last smaller.
  const parts = planParts(source.size, { ...S3_PART_RULES, minPartSize: 1, partSize: job.partSize });
  await uploadParts({
    source,
    parts,
    concurrency: job.concurrency,
    checksum: job.contestant !== "uploadkit-no-checksum",
    target: (part) => ({ url: job.partUrls[part.partNumber - 1] as string }),
  });
}

import { createReadStream } from "node:fs";
import { request } from "undici";
import type { Job } from "../job.js";

/** One raw undici PUT of the whole file. */
export async function upload(job: Job): Promise<void> {
  const response = await request(job.singleUrl, {
    method: "PUT",
    headers: { "content-length": String(job.size) },
    body: createReadStream(job.file, { highWaterMark: 256 * 1024 }),
  });
  await response.body.dump();
  if (response.statusCode !== 200) throw new Error(`HTTP ${response.statusCode}`);
}

import { createReadStream } from "node:fs";
import { Agent, request } from "undici";
import type { Job } from "../job.js";

/** The baseline: the same part ranges PUT with undici's request and createReadStream({ start, end }). */
export async function upload(job: Job): Promise<void> {
  const dispatcher = new Agent({ keepAliveTimeout: 10_000 });
  const count = job.partUrls.length;
  const partSize = Math.ceil(job.size / count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const index = next++;
      const start = index * partSize;
      const end = Math.min(job.size, start + partSize);
      const response = await request(job.partUrls[index] as string, {
        method: "PUT",
        dispatcher,
        headers: { "content-length": String(end - start) },
        body: createReadStream(job.file, { start, end: end - 1, highWaterMark: 256 * 1024 }),
      });
      await response.body.dump();
      if (response.statusCode !== 200) throw new Error(`part ${index + 1}: HTTP ${response.statusCode}`);
    }
  };
  await Promise.all(Array.from({ length: Math.min(job.concurrency, count) }, worker));
  await dispatcher.close();
}

// Adds one job per file to the `uploads` queue; a file's job id is its path's hash, so listing twice adds it once.
import { createHash } from "node:crypto";
import { Queue } from "bullmq";

/**
 * Enqueues `paths`; resolves with the queue once BullMQ holds them. Close it when done: its Redis connection is its
 * own (BullMQ leaves open a connection it was handed, which would keep the process alive).
 */
export async function enqueue(paths, redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379") {
  const queue = new Queue("uploads", { connection: { url: redisUrl } });
  await queue.addBulk(
    paths.map((path) => ({
      name: "upload",
      data: { path },
      opts: {
        jobId: createHash("sha256").update(path).digest("hex"),
        attempts: 5,
        backoff: { type: "exponential", delay: 1000 },
        removeOnComplete: false,
      },
    })),
  );
  return queue;
}

// A BullMQ worker process: each job uploads one file with `uploadMedia`, through the run's shared journal (each file
// once, whichever worker — a job re-run after its worker died resumes from the checkpoint in Redis) and the
// account's one rate limit (every worker's calls together). Start as many as you like, on as many machines.
import { createRecord360Client } from "@uploadkit/record360";
import { redisJournal, redisRateLimiter } from "@uploadkit/redis";
import { Worker } from "bullmq";

const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const run = process.env.UPLOAD_RUN ?? "library";
const journal = await redisJournal({ url: redisUrl, name: run, leaseMs: Number(process.env.LEASE_MS ?? 10_000) });
const limiter = redisRateLimiter({ url: redisUrl, name: "record360-account" });
const record360 = createRecord360Client({ token: process.env.RECORD360_TOKEN, rateLimit: { limiter } });

const worker = new Worker(
  "uploads",
  async (job) => {
    const result = await record360.uploadMedia(job.data.path, { journal });
    return { id: result.id, size: result.size };
  },
  {
    // Its own connection, closed by worker.close() (BullMQ leaves open one it is handed).
    connection: { url: redisUrl },
    concurrency: Number(process.env.CONCURRENCY ?? 8),
    // A job whose worker died is taken again once its lock runs out (BullMQ's stalled-job recovery).
    lockDuration: Number(process.env.LOCK_MS ?? 30_000),
    stalledInterval: Number(process.env.LOCK_MS ?? 30_000),
  },
);
worker.on("ready", () => process.stdout.write("ready\n"));
worker.on("completed", (job) => process.stdout.write(`${JSON.stringify({ job: job.id, ...job.returnvalue })}\n`));
worker.on("failed", (job, error) => process.stderr.write(`job ${job?.id} failed: ${error.message}\n`));

process.on("SIGTERM", async () => {
  await worker.close();
  await Promise.all([journal.close(), limiter.close()]);
  process.exit(0);
});

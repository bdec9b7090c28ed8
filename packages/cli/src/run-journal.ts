import { AdaptiveRateLimiter, type CallRateLimiter, fileJournal, type UploadJournal } from "@uploadkit/multipart";
import { UsageError } from "./exit-codes.js";

/** What `--journal` opened for a run: the journal, the rate limit every call goes through, and how to close both. */
export interface RunJournal {
  /** The file journal (opened here), a shared journal, or none. */
  journal: string | UploadJournal | undefined;
  limiter: CallRateLimiter;
  /** True for a journal many processes share: checkpoints live in it, and the limit is the account's. */
  shared: boolean;
  /** What the closing hint calls it. */
  description: string | undefined;
  close(): Promise<void>;
}

/**
 * `--journal <file>` (this machine), or `--journal redis://host:port/<name>` (a fleet: every process that names the
 * same run joins it — claims, checkpoints and one rate limit for the account, all in Redis). Redis is loaded only
 * then, and asked first: unreachable, the run stops before any upload.
 */
export async function openRunJournal(option: string | undefined, maxCallsPerSecond: number | undefined): Promise<RunJournal> {
  if (option === undefined || !/^rediss?:\/\//i.test(option)) {
    const limiter = new AdaptiveRateLimiter({ maxCallsPerSecond });
    // A file journal is opened (and locked) before any file is listed: one that cannot be is the run's error, at once.
    const journal = option === undefined ? undefined : await fileJournal(option);
    return { journal, limiter, shared: false, description: option, close: async () => journal?.close?.() };
  }
  const url = new URL(option);
  const name = decodeURIComponent(url.pathname.replace(/^\/+/, ""));
  if (!name)
    throw new UsageError(`--journal ${url.protocol}//${url.host}/<name>: name the run after the host (e.g. /fleet-2026).`);
  const origin = `${url.protocol}//${url.username ? `${url.username}:${url.password}@` : ""}${url.host}`;
  const { redisJournal, redisRateLimiter } = await import("@uploadkit/redis");
  const journal = await redisJournal({ url: origin, name });
  const limiter = redisRateLimiter({ url: origin, name, maxCallsPerSecond });
  return {
    journal,
    limiter,
    shared: true,
    description: `${url.protocol}//${url.host}/${name}`,
    close: async () => {
      await Promise.all([journal.close(), limiter.close()]);
    },
  };
}

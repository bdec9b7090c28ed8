import { createHash, randomBytes } from "node:crypto";
import { hostname } from "node:os";
import {
  type Checkpoint,
  type CheckpointStore,
  type JournalClaim,
  JournalError,
  type JournalRecord,
  type UploadJournal,
} from "@uploadkit/multipart";
import { mergeRecord, type OptionKind } from "@uploadkit/multipart/internal";
import { RedisConnection, type RedisConnectionOptions } from "./redis-connection.js";

/** Options of `redisJournal`. */
export interface RedisJournalOptions extends RedisConnectionOptions {
  /** The run's name: every worker (process, machine) that opens the same name joins the same run. */
  name: string;
  /** How long a worker's claim on a file lasts without renewal (renewed every third of it). Default 10 s. */
  leaseMs?: number | undefined;
  /** Put before every key. Default `uploadkit:`. */
  prefix?: string | undefined;
}

/** A journal in Redis that many workers share, with claims, checkpoints and a listing of the whole run. */
export interface RedisJournal extends UploadJournal {
  /** This worker's id in the claims (host, pid, random). */
  readonly owner: string;
  /** Every file the run has recorded, its latest state (read in pages; the run is never held whole). */
  records(): AsyncGenerator<JournalRecord>;
  /** Closes the connection the journal opened (not a client you gave). */
  close(): Promise<void>;
}

// Compare-and-renew and compare-and-release: a claim is touched only by the worker that holds it.
const RENEW = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;

/** What `redisJournal` takes beside the connection, held to `RedisJournalOptions` by the compiler. */
const OWN_OPTIONS: Readonly<Record<Exclude<keyof RedisJournalOptions, keyof RedisConnectionOptions>, OptionKind>> = {
  name: true,
  leaseMs: true,
  prefix: "string",
};

/**
 * Opens the journal of run `name` in Redis for this worker (it answers first: unreachable, a JournalError
 * `JOURNAL_UNAVAILABLE` and nothing is uploaded). With it, `uploadMany`/`uploadEach`/the CLI on any number of
 * machines upload each file exactly once: a worker claims a file before uploading it (a lease, renewed while it
 * works), keeps its checkpoint here (so the worker that takes over a dead worker's file sends only the parts not
 * yet stored), and records the provider's id when it finishes. Records are one hash field per file, written by the
 * worker holding its claim; they are as durable as the server's persistence (AOF `appendfsync everysec` or better).
 */
export async function redisJournal(options: RedisJournalOptions): Promise<RedisJournal> {
  if (typeof options?.name !== "string" || options.name.length === 0 || options.name.length > 200) {
    throw new JournalError("redisJournal needs a run name of 1 to 200 characters.", { code: "JOURNAL_NAME" });
  }
  const leaseMs = options.leaseMs ?? 10_000;
  if (!Number.isSafeInteger(leaseMs) || leaseMs < 100) {
    throw new JournalError(`leaseMs must be a whole number of milliseconds ≥ 100, got ${leaseMs}.`, { code: "JOURNAL_LEASE" });
  }
  const base = `${options.prefix ?? "uploadkit:"}journal:${options.name}`;
  const records = `${base}:records`;
  const owner = `${hostname()}:${process.pid}:${randomBytes(6).toString("hex")}`;
  const connection = new RedisConnection(options, "redisJournal", OWN_OPTIONS);
  const description = `the Redis journal "${options.name}"`;
  const fail = (message: string, cause: unknown) =>
    new JournalError(`${description}: ${message}`, { code: "JOURNAL_UNAVAILABLE", cause });
  const run = <T>(what: string, command: Parameters<RedisConnection["run"]>[1]) =>
    connection.run(what, command, fail) as Promise<T>;
  const hashed = (text: string) => createHash("sha256").update(text).digest("hex").slice(0, 40);
  await run("be reached", (client) => client.ping()).catch((error: unknown) => {
    connection.close();
    throw error;
  });

  const get = async (key: string): Promise<JournalRecord | undefined> => {
    const text = await run<string | null>("read the journal", (client) => client.hget(records, key));
    if (text === null) return undefined;
    try {
      return JSON.parse(text) as JournalRecord;
    } catch (cause) {
      throw new JournalError(`${description}: the record of ${key} is not JSON.`, { code: "JOURNAL_CORRUPT", cause });
    }
  };

  return {
    description,
    owner,
    leaseMs,
    get,
    async append(record) {
      const merged = mergeRecord(await get(record.key), record);
      await run("write the journal", (client) => client.hset(records, record.key, JSON.stringify(merged)));
    },
    async claim(key): Promise<JournalClaim | undefined> {
      const claimKey = `${base}:claim:${hashed(key)}`;
      const taken = await run<string | null>("claim a file", (client) => client.set(claimKey, owner, "PX", leaseMs, "NX"));
      if (taken !== "OK") return undefined;
      return {
        renew: async () =>
          (await run<number>("renew a claim", (client) => client.eval(RENEW, 1, claimKey, owner, leaseMs))) === 1,
        release: async () => {
          await run("release a claim", (client) => client.eval(RELEASE, 1, claimKey, owner));
        },
      };
    },
    checkpointFor(key, provider): CheckpointStore {
      const checkpointKey = `${base}:checkpoint:${hashed(`${provider}\0${key}`)}`;
      return {
        description: `the checkpoint of ${key} in ${description}`,
        async load() {
          const text = await run<string | null>("read a checkpoint", (client) => client.get(checkpointKey));
          return text === null ? undefined : (JSON.parse(text) as Checkpoint);
        },
        async save(checkpoint) {
          await run("write a checkpoint", (client) => client.set(checkpointKey, JSON.stringify(checkpoint)));
        },
        async clear() {
          await run("remove a checkpoint", (client) => client.del(checkpointKey));
        },
      };
    },
    async *records() {
      let cursor = "0";
      do {
        const [next, fields] = await run<[string, string[]]>("list the journal", (client) =>
          client.hscan(records, cursor, "COUNT", 500),
        );
        cursor = next;
        for (let index = 1; index < fields.length; index += 2) yield JSON.parse(fields[index] as string) as JournalRecord;
      } while (cursor !== "0");
    },
    async close() {
      connection.close();
    },
  };
}

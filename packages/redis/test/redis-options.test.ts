import { InputError, JournalError } from "@uploadkit/multipart";
import { type RedisServer, startRedisServer } from "@uploadkit/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { redisJournal, redisRateLimiter, redisStore } from "../src/index.js";

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedisServer();
});
afterAll(async () => {
  await redis?.stop();
});

const PASSWORD = "hunter2-never-printed";

/** What `make` threw, synchronously or as a rejection. */
async function thrown(make: () => unknown): Promise<unknown> {
  try {
    await make();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe("Redis options a caller gets wrong", () => {
  it("each of the three refuses them when made, naming the option and never the URL's password", async () => {
    const makers = {
      redisStore: (options: object) => redisStore(options),
      redisRateLimiter: (options: object) => redisRateLimiter({ name: "account", ...options }),
      redisJournal: (options: object) => redisJournal({ name: "run", ...options }),
    };
    for (const [maker, make] of Object.entries(makers)) {
      for (const [options, named] of [
        [{ url: `http://user:${PASSWORD}@127.0.0.1:6379` }, /^url must be a redis:\/\/ or rediss:\/\/ URL .*, got a string\.$/],
        [{ url: PASSWORD }, /^url must be a redis:\/\//],
        [{ url: 6379 }, /^url must be a redis:\/\/ .*, got 6379\.$/],
        [{ client: { get: () => undefined } }, /^client must be an ioredis client/],
        [{ connectTimeoutMs: 0 }, /^connectTimeoutMs must be a whole number ≥ 1, got 0\.$/],
        [{ prefix: 5 }, /^prefix must be a string, got 5\.$/],
      ] as const) {
        const error = await thrown(() => make(options));
        expect(error, `${maker} ${JSON.stringify(options)}`).toBeInstanceOf(InputError);
        expect((error as Error).message).toMatch(named);
        expect((error as Error).message).not.toContain(PASSWORD);
      }
    }
    expect(await thrown(() => redisStore(null as never))).toMatchObject({
      message: "redisStore's options must be an object, got null.",
    });
    // A misspelt option would otherwise be ignored: a journal's lease left at its default, a limiter with no ceiling.
    for (const [make, named] of [
      [
        () => redisJournal({ name: "run", leasMs: 60_000 } as never),
        /^redisJournal's options: unknown option leasMs; the options are url, /,
      ],
      [
        () => redisRateLimiter({ name: "a", maxCallsPerSec: 5 } as never),
        /^redisRateLimiter's options: unknown option maxCallsPerSec;/,
      ],
      [() => redisStore({ uri: "redis://127.0.0.1:6379" } as never), /^redisStore's options: unknown option uri;/],
    ] as const) {
      expect(await thrown(make)).toMatchObject({ name: "InputError", message: expect.stringMatching(named) });
    }
  });

  it("a rate limiter needs the account's name, and a ceiling that is a number > 0", async () => {
    for (const options of [undefined, {}, { name: "" }, { name: 5 }, { name: "x".repeat(201) }]) {
      const error = await thrown(() => redisRateLimiter(options as never));
      expect(error, JSON.stringify(options)).toMatchObject({
        code: "INPUT_REDIS_OPTIONS",
        message: expect.stringMatching(/account's name/),
      });
    }
    for (const ceiling of ["50", 0, -1, Number.NaN]) {
      const error = await thrown(() => redisRateLimiter({ name: "account", maxCallsPerSecond: ceiling as never }));
      expect(error, String(ceiling)).toMatchObject({
        code: "INPUT_INVALID_NUMBER",
        message: expect.stringMatching(/^maxCallsPerSecond/),
      });
    }
    expect(await thrown(() => redisJournal(null as never))).toBeInstanceOf(JournalError);
  });

  it("options of the right kinds still make a limiter and a store that work against a real Redis", async () => {
    const limiter = redisRateLimiter({ url: redis.url, name: `a${Math.random()}`, maxCallsPerSecond: 1000, prefix: "" });
    const store = redisStore({ url: redis.url, prefix: "", connectTimeoutMs: 2000 });
    try {
      await limiter.acquire();
      limiter.succeeded();
      expect(limiter.stats.calls).toBe(1);
      const key = `k${Math.random()}`;
      expect(await store.setIfAbsent(key, "v", 60_000)).toBe(true);
      expect(await store.get(key)).toBe("v");
    } finally {
      await Promise.all([limiter.close(), store.close()]);
    }
  });
});

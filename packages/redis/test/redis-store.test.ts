import { RouteStoreError } from "@uploadkit/multipart";
import { freePort, type RedisServer, startRedisServer } from "@uploadkit/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { redisStore } from "../src/index.js";

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedisServer();
});
afterAll(async () => {
  await redis?.stop();
});

describe("redisStore", () => {
  it("sets a key only when absent, reads it, deletes it, and lets it expire", async () => {
    const store = redisStore({ url: redis.url });
    const other = redisStore({ url: redis.url });
    const key = `k${Math.random()}`;
    expect(await store.get(key)).toBeUndefined();
    expect(await store.setIfAbsent(key, "first", 60_000)).toBe(true);
    // Another connection (another instance) sees it, and cannot set it again.
    expect(await other.setIfAbsent(key, "second", 60_000)).toBe(false);
    expect(await other.get(key)).toBe("first");
    await other.delete(key);
    expect(await store.get(key)).toBeUndefined();
    expect(await store.setIfAbsent(key, "third", 1)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await store.get(key)).toBeUndefined();
    await Promise.all([store.close(), other.close()]);
  });

  it("one of many racing instances wins a set-if-absent", async () => {
    const stores = Array.from({ length: 8 }, () => redisStore({ url: redis.url }));
    const key = `race${Math.random()}`;
    const wins = await Promise.all(stores.map((store, index) => store.setIfAbsent(key, String(index), 60_000)));
    expect(wins.filter(Boolean)).toHaveLength(1);
    await Promise.all(stores.map((store) => store.close()));
  });

  it("an unreachable server: each operation fails with a RouteStoreError (ROUTE_STORE_UNAVAILABLE), and nothing hangs", async () => {
    const store = redisStore({ url: `redis://127.0.0.1:${await freePort()}`, connectTimeoutMs: 1000 });
    for (const operation of [() => store.get("a"), () => store.setIfAbsent("a", "b", 1000), () => store.delete("a")]) {
      const failure = await operation().catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(RouteStoreError);
      expect(failure).toMatchObject({ code: "ROUTE_STORE_UNAVAILABLE" });
    }
    await store.close();
  });

  it("a server lost and back: operations fail while it is gone, and work again once it returns", async () => {
    const own = await startRedisServer();
    const store = redisStore({ url: own.url, connectTimeoutMs: 1000 });
    expect(await store.setIfAbsent("x", "1", 60_000)).toBe(true);
    await own.stop();
    const failure = await store.get("x").catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(RouteStoreError);
    await store.close();
  });

  it("keys go under the prefix", async () => {
    const store = redisStore({ url: redis.url, prefix: "app1:" });
    const plain = redisStore({ url: redis.url, prefix: "" });
    await store.setIfAbsent("session", "v", 60_000);
    expect(await plain.get("app1:session")).toBe("v");
    await Promise.all([store.close(), plain.close()]);
  });
});

import { RouteStoreError, type UploadRouteStore } from "@uploadkit/multipart";
import type { OptionKind } from "@uploadkit/multipart/internal";
import { RedisConnection, type RedisConnectionOptions } from "./redis-connection.js";

/** Options of `redisStore`. */
export interface RedisStoreOptions extends RedisConnectionOptions {
  /** Put before every key. Default `uploadkit:`. */
  prefix?: string | undefined;
}

/** What `redisStore` takes beside the connection, held to `RedisStoreOptions` by the compiler. */
const OWN_OPTIONS: Readonly<Record<Exclude<keyof RedisStoreOptions, keyof RedisConnectionOptions>, OptionKind>> = {
  prefix: "string",
};

/** An upload route store in Redis, and its connection. */
export interface RedisRouteStore extends UploadRouteStore {
  /** Closes the connection the store opened (not a client you gave). */
  close(): Promise<void>;
}

/**
 * An upload route's store in Redis, for any number of route instances: `createUploadRoute(client, { secret, store:
 * redisStore({ url }) })` on every one. Each operation is one command (`SET … PX … NX`, `GET`, `DEL`). While Redis
 * cannot be reached, operations fail at once (no queue) with a RouteStoreError, and the route answers 503
 * `ROUTE_STORE_UNAVAILABLE` before calling the provider; the connection is retried in the background.
 */
export function redisStore(options: RedisStoreOptions = {}): RedisRouteStore {
  const connection = new RedisConnection(options, "redisStore", OWN_OPTIONS);
  const prefix = options.prefix ?? "uploadkit:";
  const fail = (message: string, cause: unknown) => new RouteStoreError(message, { cause });
  return {
    setIfAbsent: (key, value, ttlMs) =>
      connection.run(
        "set a key",
        async (client) => (await client.set(prefix + key, value, "PX", Math.max(1, Math.ceil(ttlMs)), "NX")) === "OK",
        fail,
      ),
    get: (key) => connection.run("read a key", async (client) => (await client.get(prefix + key)) ?? undefined, fail),
    delete: (key) =>
      connection.run(
        "delete a key",
        async (client) => {
          await client.del(prefix + key);
        },
        fail,
      ),
    async close() {
      connection.close();
    },
  };
}

import { RouteStoreError, type UploadRouteStore } from "@uploadkit/multipart";
import { Redis, type RedisOptions } from "ioredis";

/** Options of `redisStore`. */
export interface RedisStoreOptions {
  /** `redis://[user:password@]host:port[/db]` or `rediss://…` (TLS). Default `redis://127.0.0.1:6379`. */
  url?: string | undefined;
  /** A client of your own (ioredis), instead of `url`: the store neither connects nor closes it. */
  client?: Redis | undefined;
  /** Put before every key. Default `uploadkit:`. */
  prefix?: string | undefined;
  /** How long to wait for the server on connecting. Default 5 s. */
  connectTimeoutMs?: number | undefined;
}

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
  const prefix = options.prefix ?? "uploadkit:";
  const owned = options.client === undefined;
  const redisOptions: RedisOptions = {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: options.connectTimeoutMs ?? 5000,
    retryStrategy: (times) => Math.min(100 * 2 ** times, 2000),
  };
  const client = options.client ?? new Redis(options.url ?? "redis://127.0.0.1:6379", redisOptions);
  // An unreachable server is reported by each operation; the client's own error events must not end the process.
  if (owned) client.on("error", () => {});
  let connecting: Promise<void> | undefined;
  const ready = async () => {
    if (client.status === "ready") return;
    if (owned && (client.status === "wait" || client.status === "end")) {
      connecting ??= client.connect().finally(() => {
        connecting = undefined;
      });
      await connecting;
    }
  };
  const run = async <T>(what: string, command: () => Promise<T>): Promise<T> => {
    try {
      await ready();
      return await command();
    } catch (error) {
      throw new RouteStoreError(`Redis could not ${what}: ${(error as Error)?.message ?? String(error)}`, { cause: error });
    }
  };
  return {
    setIfAbsent: (key, value, ttlMs) =>
      run("set a key", async () => (await client.set(prefix + key, value, "PX", Math.max(1, Math.ceil(ttlMs)), "NX")) === "OK"),
    get: (key) => run("read a key", async () => (await client.get(prefix + key)) ?? undefined),
    delete: (key) =>
      run("delete a key", async () => {
        await client.del(prefix + key);
      }),
    async close() {
      if (owned) client.disconnect();
    },
  };
}

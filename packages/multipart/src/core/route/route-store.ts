import { assertOptions } from "../argument-checks.js";
import { UploadkitError } from "../errors.js";

/**
 * Where an upload route keeps the little that must be one for every instance: that a session finished or was
 * aborted (its token is then refused everywhere), that its completion runs once, the answer it gave, and the parts
 * a page reported. Three operations, each on one key with a time to live: the default keeps them in this process
 * (`memoryRouteStore`), `redisStore({ url })` from `@uploadkit/redis` in Redis for many instances; any key-value
 * store with a set-if-absent can be one.
 */
export interface UploadRouteStore {
  /** Sets `key` to `value` for `ttlMs` unless it is set: true when this call set it. */
  setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean>;
  /** The value of `key`, or undefined when it is not set (or expired). */
  get(key: string): Promise<string | undefined>;
  /** Removes `key` (a claim given up). */
  delete(key: string): Promise<void>;
}

/** A store that cannot be reached: the route answers 503 with its code, before anything is half-done. */
export class RouteStoreError extends UploadkitError {
  /** Always `"RouteStoreError"`. */
  override name = "RouteStoreError";
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { code: "ROUTE_STORE_UNAVAILABLE", ...options });
  }
}

/**
 * A store in this process's memory, at most `maxEntries` keys (the oldest go first): enough for one instance. With
 * several instances, each has its own: see the README for what a replay on another instance can do then.
 */
export function memoryRouteStore(options: { maxEntries?: number | undefined } = {}): UploadRouteStore {
  assertOptions(options, "memoryRouteStore's options", { maxEntries: 1 });
  const maxEntries = options.maxEntries ?? 100_000;
  const entries = new Map<string, { value: string; expiresAt: number }>();
  const live = (key: string) => {
    const entry = entries.get(key);
    if (entry && entry.expiresAt <= Date.now()) {
      entries.delete(key);
      return undefined;
    }
    return entry;
  };
  return {
    async setIfAbsent(key, value, ttlMs) {
      if (live(key)) return false;
      if (entries.size >= maxEntries) {
        const now = Date.now();
        for (const [other, entry] of entries) if (entry.expiresAt <= now) entries.delete(other);
        while (entries.size >= maxEntries) entries.delete(entries.keys().next().value as string);
      }
      entries.set(key, { value, expiresAt: Date.now() + Math.max(1, ttlMs) });
      return true;
    },
    async get(key) {
      return live(key)?.value;
    },
    async delete(key) {
      entries.delete(key);
    },
  };
}

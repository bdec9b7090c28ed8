// `@uploadkit/redis`: uploadkit's state shared by many processes, in Redis.
export type { RedisConnectionOptions } from "./redis-connection.js";
export { type RedisJournal, type RedisJournalOptions, redisJournal } from "./redis-journal.js";
export {
  RateLimiterUnavailableError,
  type RedisRateLimiter,
  type RedisRateLimiterOptions,
  redisRateLimiter,
} from "./redis-rate-limiter.js";
export { type RedisRouteStore, type RedisStoreOptions, redisStore } from "./redis-store.js";

// `@uploadkit/redis`: uploadkit's state shared by many processes, in Redis.
export { type RedisRouteStore, type RedisStoreOptions, redisStore } from "./redis-store.js";

import { AbortError, type CallRateLimiter, InputError, type RateLimitStats, UploadkitError } from "@uploadkit/multipart";
import { type OptionKind, sleep } from "@uploadkit/multipart/internal";
import { RedisConnection, type RedisConnectionOptions } from "./redis-connection.js";

/** Options of `redisRateLimiter`. */
export interface RedisRateLimiterOptions extends RedisConnectionOptions {
  /** The account's name: every process that names it shares one limit. */
  name: string;
  /** A ceiling you know (your plan's limit), in calls per second: never exceeded, whatever the API says. */
  maxCallsPerSecond?: number | undefined;
  /** Put before every key. Default `uploadkit:`. */
  prefix?: string | undefined;
}

// One script per step, run in Redis so that every process sees one state: the rate (0 while the API has refused
// nothing), the next free slot (`tat`, as GCRA), when and to what the rate was last cut, a pause, and the calls
// the API accepted per tenth of a second (what a cut is based on). Times are Redis's own clock (TIME), in ms.
const NOW = `local t = redis.call('TIME') local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)`;
/**
 * After a cut: back toward the rate the API last accepted (`peak`) quickly (a time constant of TAU_S), then above it
 * ever faster (PROBE × seconds³ of it), as CUBIC does: a limit is found again in seconds, and held near.
 */
const TAU_S = 0.5;
const PROBE = 0.004;
const NEAR = 0.97;
/** A cut takes the rate to this share of the calls the API accepted in the last second. */
const BETA = 0.97;

const ACQUIRE = `${NOW}
local rate = tonumber(redis.call('HGET', KEYS[1], 'rate') or '0')
local paused = tonumber(redis.call('HGET', KEYS[1], 'paused') or '0')
local ceiling = tonumber(ARGV[1])
if rate == 0 and ceiling == 0 then
  local start = math.max(now, paused)
  return {start - now, start}
end
if rate == 0 then rate = ceiling else
  local since = (now - tonumber(redis.call('HGET', KEYS[1], 'cutAt') or '0')) / 1000
  local peak = tonumber(redis.call('HGET', KEYS[1], 'peak') or '0')
  local near = rate + (peak - rate) * (1 - math.exp(-since / ${TAU_S}))
  if near >= ${NEAR} * peak then
    local above = math.max(0, since - ${TAU_S} * math.log(math.max(1.0001, (peak - rate) / math.max(peak - ${NEAR} * peak, 0.001))))
    rate = math.max(near, ${NEAR} * peak * (1 + ${PROBE} * above * above * above))
  else rate = near end
  if ceiling > 0 then rate = math.min(rate, ceiling) end
end
local tat = tonumber(redis.call('HGET', KEYS[1], 'tat') or '0')
local start = math.max(tat, now, paused)
redis.call('HSET', KEYS[1], 'tat', start + 1000 / rate, 'current', rate)
redis.call('PEXPIRE', KEYS[1], 86400000)
return {start - now, start}`;

const SUCCEEDED = `${NOW}
local key = KEYS[1] .. ':ok:' .. math.floor(now / 100)
redis.call('INCR', key)
redis.call('PEXPIRE', key, 3000)
return 1`;

const REFUSED = `${NOW}
local sentAt = tonumber(ARGV[1])
local retryAfter = tonumber(ARGV[2])
local cutAt = tonumber(redis.call('HGET', KEYS[1], 'cutAt') or '0')
local rate = tonumber(redis.call('HGET', KEYS[1], 'rate') or '0')
if sentAt < cutAt then return false end
local tenth = math.floor(now / 100)
local accepted = 0
for i = 0, 9 do accepted = accepted + tonumber(redis.call('GET', KEYS[1] .. ':ok:' .. (tenth - i)) or '0') end
local current = tonumber(redis.call('HGET', KEYS[1], 'current') or '0')
-- A dip in what was accepted (calls waiting on other work) is not the limit: the last peak, a little lowered, stands.
local lastPeak = tonumber(redis.call('HGET', KEYS[1], 'peak') or '0')
local base = math.max(accepted, 0.9 * lastPeak)
if base < 1 then base = math.max(current, 1) end
local cut = math.max(0.5, ${BETA} * base)
redis.call('HSET', KEYS[1], 'rate', cut, 'peak', math.max(base, cut), 'cutAt', now, 'current', cut, 'tat', math.max(now, tonumber(redis.call('HGET', KEYS[1], 'tat') or '0')))
redis.call('PEXPIRE', KEYS[1], 86400000)
return tostring(cut)`;

/** The shared limiter could not be reached: the call is not sent. */
export class RateLimiterUnavailableError extends UploadkitError {
  /** Always `"RateLimiterUnavailableError"`. */
  override name = "RateLimiterUnavailableError";
}

/** A rate limit shared through Redis, and its connection. */
export interface RedisRateLimiter extends CallRateLimiter {
  /** Closes the connection it opened (not a client you gave). */
  close(): Promise<void>;
}

/** What `redisRateLimiter` takes beside the connection, held to `RedisRateLimiterOptions` by the compiler. */
const OWN_OPTIONS: Readonly<Record<Exclude<keyof RedisRateLimiterOptions, keyof RedisConnectionOptions>, OptionKind>> = {
  name: true,
  maxCallsPerSecond: "positive",
  prefix: "string",
};

/**
 * One rate limit for an account, shared by every process that names it (`rateLimit: { limiter }` on each client;
 * the CLI's `--journal redis://…` does it): nothing held back until the API refuses a call (429); then calls are
 * paced in Redis (GCRA) at 0.97 × the calls the API accepted in the last second (a dip below the last peak does not
 * count as the limit), brought back near that peak with a 0.5 s time constant, then probed above it along a cubic
 * curve. A refused call waits its own `Retry-After` before it is sent again (the transport's wait, as with the
 * in-process `AdaptiveRateLimiter`, which runs the same policy); the others go on at the cut rate.
 * Refusals of calls sent before the last cut are the same event and cut nothing. Written by hand: no maintained
 * library paces from 429s across processes (BullMQ's limiter is a fixed rate per queue).
 */
export function redisRateLimiter(options: RedisRateLimiterOptions): RedisRateLimiter {
  if (typeof options?.name !== "string" || options.name.length === 0 || options.name.length > 200) {
    throw new InputError(
      "redisRateLimiter needs the account's name (1 to 200 characters): every process naming it shares one limit.",
      {
        code: "INPUT_REDIS_OPTIONS",
      },
    );
  }
  const key = `${options.prefix ?? "uploadkit:"}limit:${options.name}`;
  const ceiling = options.maxCallsPerSecond ?? 0;
  const connection = new RedisConnection(options, "redisRateLimiter", OWN_OPTIONS);
  const fail = (message: string, cause: unknown) =>
    new RateLimiterUnavailableError(message, { code: "RATE_LIMITER_UNAVAILABLE", cause });
  const counts = { calls: 0, refused: 0, waitedMs: 0 };
  let rate: number | undefined;
  return {
    get stats(): RateLimitStats {
      return { ...counts, waitedMs: Math.round(counts.waitedMs), rate };
    },
    async acquire(signal) {
      if (signal?.aborted) throw new AbortError(undefined, { cause: signal.reason });
      const [delay, start] = await connection.run(
        "pace a call",
        (client) => client.eval(ACQUIRE, 1, key, ceiling) as Promise<[number, number]>,
        fail,
      );
      if (delay > 0) {
        counts.waitedMs += delay;
        await sleep(delay, signal);
      }
      counts.calls++;
      return start;
    },
    succeeded() {
      void connection.run("count a call", (client) => client.eval(SUCCEEDED, 1, key), fail).catch(() => {});
    },
    refused(sentAt, retryAfterMs) {
      counts.refused++;
      void connection
        .run("cut the rate", (client) => client.eval(REFUSED, 1, key, sentAt, retryAfterMs ?? 0) as Promise<string | null>, fail)
        .then((cut) => {
          if (cut !== null) rate = Number(cut);
        })
        .catch(() => {});
    },
    async close() {
      connection.close();
    },
  };
}

import { InputError } from "@uploadkit/multipart";
import { assertOptions, describeValue, hasMethods, type OptionKind } from "@uploadkit/multipart/internal";
import { Redis, type RedisOptions } from "ioredis";

/** How to reach Redis: a URL, or a client of your own (then it is neither connected nor closed here). */
export interface RedisConnectionOptions {
  /** `redis://[user:password@]host:port[/db]` or `rediss://…` (TLS). Default `redis://127.0.0.1:6379`. */
  url?: string | undefined;
  /** A client of your own (ioredis), instead of `url`. */
  client?: Redis | undefined;
  /** How long to wait for the server on connecting. Default 5 s. */
  connectTimeoutMs?: number | undefined;
}

/**
 * One connection, with no offline queue: while Redis cannot be reached a command fails at once (`wrap` turns it into
 * the caller's error), and the connection is retried in the background. Its error events never end the process.
 */
export class RedisConnection {
  readonly client: Redis;
  readonly #owned: boolean;
  #connecting: Promise<void> | undefined;

  /**
   * `maker` names the store being made ("redisStore"); `own` is what each of its options beside the connection's
   * must be (held to its options' type by the caller): any other name is refused as a typo.
   */
  constructor(options: RedisConnectionOptions, maker: string, own: Readonly<Record<string, OptionKind>>) {
    assertConnectionOptions(options, maker, own);
    this.#owned = options.client === undefined;
    const redisOptions: RedisOptions = {
      lazyConnect: true,
      enableOfflineQueue: false,
      // A command the connection lost fails (it is not sent again on reconnecting), and none waits past a bound.
      maxRetriesPerRequest: 0,
      autoResendUnfulfilledCommands: false,
      commandTimeout: 10_000,
      connectTimeout: options.connectTimeoutMs ?? 5000,
      retryStrategy: (times) => Math.min(100 * 2 ** times, 2000),
    };
    this.client = options.client ?? new Redis(options.url ?? "redis://127.0.0.1:6379", redisOptions);
    if (this.#owned) this.client.on("error", () => {});
  }

  /** Runs `command` once connected; any failure becomes `fail(message, cause)`. */
  async run<T>(
    what: string,
    command: (client: Redis) => Promise<T>,
    fail: (message: string, cause: unknown) => Error,
  ): Promise<T> {
    try {
      await this.#ready();
      return await command(this.client);
    } catch (error) {
      throw fail(`Redis at ${this.#where()} could not ${what}: ${(error as Error)?.message ?? String(error)}`, error);
    }
  }

  /** Where the client connects (host and port, or a socket path): never its credentials. */
  #where(): string {
    const { host, port, path } = this.client.options;
    return path ? path : `${host}:${port}`;
  }

  async #ready(): Promise<void> {
    if (this.client.status === "ready" || !this.#owned) return;
    // The first connection, being made: every command waits for it. A connection lost later is not waited for.
    if (this.#connecting) return this.#connecting;
    if (this.client.status === "wait" || this.client.status === "end") {
      this.#connecting ??= this.client.connect().finally(() => {
        this.#connecting = undefined;
      });
      await this.#connecting;
    }
  }

  /** Ends the connection, if it was opened here. */
  close(): void {
    if (this.#owned) this.client.disconnect();
  }
}

/** How to reach Redis, checked before a connection is made; a URL is never quoted (it may hold a password). */
function assertConnectionOptions(
  options: RedisConnectionOptions,
  maker: string,
  own: Readonly<Record<string, OptionKind>>,
): void {
  assertOptions(options, `${maker}'s options`, { url: true, client: true, connectTimeoutMs: 1, ...own });
  const { url, client } = options ?? {};
  if (url !== undefined && (typeof url !== "string" || !/^rediss?:\/\/[^/]/i.test(url))) {
    fail(`url must be a redis:// or rediss:// URL (redis://[user:password@]host:port[/db]), got ${describeValue(url)}.`);
  }
  if (client !== undefined && !hasMethods(client, ["connect", "disconnect"]))
    fail("client must be an ioredis client (new Redis(…)).");
}

function fail(message: string): never {
  throw new InputError(message, { code: "INPUT_REDIS_OPTIONS" });
}

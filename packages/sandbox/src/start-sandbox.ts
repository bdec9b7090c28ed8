import { randomUUID } from "node:crypto";
import { PROVIDER_NAMES, type ProviderName } from "@uploadkit/providers";
import { Chaos, type ChaosCounts, type ChaosOptions } from "./chaos/chaos.js";
import { PartLedger } from "./gateway/part-ledger.js";
import { type StoreGateway, startStoreGateway } from "./gateway/store-gateway.js";
import { CORS_DEFAULTS, type CorsSettings } from "./http/cors.js";
import { type FakeServer, startFakeServer } from "./http/fake-server.js";
import { RATE_LIMIT_DEFAULTS, type RateLimitCounts, type RateLimitSettings, RateWindow } from "./http/rate-limit.js";
import { type LoggedRequest, RequestLog } from "./http/request-log.js";
import {
  createFanvueFake,
  FANVUE_DEFAULTS,
  type FanvueFake,
  type FanvueFakeOptions,
  type FanvueMessage,
} from "./providers/fanvue-fake.js";
import { createFlowkiwiFake, FLOWKIWI_DEFAULTS, type FlowkiwiFakeOptions } from "./providers/flowkiwi-fake.js";
import { createOfauthFake, OFAUTH_DEFAULTS, type OfauthFakeOptions } from "./providers/ofauth-fake.js";
import type { ProviderContext, ProviderFake } from "./providers/provider-context.js";
import { createRecord360Fake, RECORD360_DEFAULTS, type Record360FakeOptions } from "./providers/record360-fake.js";
import { startEmbeddedS3 } from "./store/embedded-s3.js";
import { startLocalCeph } from "./store/local-ceph.js";
import { S3Store } from "./store/s3-store.js";
import { type S3Config, s3ConfigFromEnv } from "./store/store-config.js";

export { PROVIDER_NAMES, type ProviderName };

/** Options of `startSandbox`. */
export interface SandboxOptions {
  /** Which fakes to start. Default all four. */
  providers?: ProviderName[];
  /**
   * Where bytes are stored: an S3 endpoint; `"embedded"` (an s3rver in this process); or `"ceph"` (a single-node Ceph
   * with its radosgw S3 gateway started for this sandbox, see `startLocalCeph`: needs Debian's `ceph-mon ceph-osd
   * radosgw`). Default: `UPLOADKIT_S3_*` from the environment, else `"embedded"`.
   */
  s3?: S3Config | "embedded" | "ceph";
  /** Faults to inject, at a rate and with a seed. */
  chaos?: ChaosOptions;
  /** Fixed ports (default: free ports). */
  ports?: Partial<Record<ProviderName | "store" | "s3", number>>;
  /**
   * Milliseconds every answer of the fake APIs waits, as a network round trip would (PUTs — part and file bodies —
   * and the store are not delayed). Default 0.
   */
  latencyMs?: number;
  /** Listen address of the fakes. Default 127.0.0.1. */
  host?: string;
  /** The Fanvue fake's settings. */
  fanvue?: Partial<FanvueFakeOptions>;
  /** The OFAuth fake's settings. */
  ofauth?: Partial<OfauthFakeOptions>;
  /** The Record360 fake's settings. */
  record360?: Partial<Record360FakeOptions>;
  /** The Flowkiwi fake's settings. */
  flowkiwi?: Partial<FlowkiwiFakeOptions>;
  /**
   * Cross-origin answers for pages on other origins: preflights answered, any origin allowed, `ETag` exposed by the
   * store. Default on; `false` turns it off. Changeable while running through `sandbox.cors`.
   */
  cors?: Partial<CorsSettings> | false;
  /**
   * Each fake API accepts at most `callsPerSecond` calls in any second and refuses the rest with 429 and
   * `Retry-After: <retryAfterSeconds>`, as a provider's per-account limit does (the store is not limited). Default off.
   * Changeable while running through `sandbox.rateLimit`.
   */
  rateLimit?: Partial<RateLimitSettings>;
}

/** One fake provider: where it listens, its credentials, and where its uploads are stored. */
export interface SandboxProvider<Credentials> {
  /** The fake's base URL (give it as a client's `baseUrl`). */
  baseUrl: string;
  /** The credentials it accepts. */
  credentials: Credentials;
  /** The store key of a finished upload, by the id the provider returned (media uuid, upload id, file id). */
  keyOf(id: string): string | undefined;
  /** The ids of every finished upload, oldest first (one per media the provider would now hold). */
  finished(): string[];
}

/** A running sandbox: four fake APIs over one S3-compatible store. */
export interface Sandbox {
  /** The Fanvue fake. */
  fanvue: SandboxProvider<{ token: string; apiVersion: string; creatorUserUuid: string }> & {
    /** With `fanvue: { processingMs: "manual" }`: ends processing of one media (or of all). */
    finishProcessing(mediaUuid?: string): void;
    /** Messages sent through `POST /chats/{userUuid}/message` (and the creator route), oldest first. */
    readonly messages: readonly FanvueMessage[];
  };
  /** The OFAuth fake. */
  ofauth: SandboxProvider<{ apiKey: string; connectionId: string }>;
  /** The Record360 fake. */
  record360: SandboxProvider<{ token: string; username: string; password: string }>;
  /** The Flowkiwi fake. */
  flowkiwi: SandboxProvider<{ token: string; organizationId: string; tenant: string }>;
  /** The S3-compatible store, and the gateway part URLs point at. */
  store: { endpoint: string; bucket: string; gatewayOrigin: string };
  /** Every request the fakes and the store gateway received, in order. */
  requests: LoggedRequest[];
  /** Faults injected so far, by kind. */
  chaos: { injected: ChaosCounts; total: number };
  /** SHA-256 of a stored object. */
  objectSha256(key: string): Promise<string>;
  /** Marks a presigned URL as expired (the store gateway answers it 403 AccessDenied, as S3 does). */
  expireUrl(url: string): void;
  /**
   * Issues a new value for the provider's secret credential (Fanvue's, Record360's and Flowkiwi's token, OFAuth's API
   * key): from now on the old one is refused with 401. Returns the new value, also in `sandbox.<provider>.credentials`.
   */
  rotateCredential(provider: ProviderName): string;
  /** How the fakes and the store answer cross-origin calls; change a field to change the next answers. */
  cors: CorsSettings;
  /** The rate limit of the fake APIs (change a field to change the next answers) and what it accepted and refused. */
  rateLimit: RateLimitSettings & { readonly counts: RateLimitCounts };
  /** Stops every server and removes the sandbox's temporary data. */
  stop(): Promise<void>;
}

/** Starts the fakes, the store gateway and (unless an endpoint is given) an embedded S3 store. */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const enabled = new Set(options.providers ?? PROVIDER_NAMES);
  const stops: (() => Promise<void> | void)[] = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop();
  };
  try {
    const requested = options.s3 ?? s3ConfigFromEnv() ?? "embedded";
    let config: S3Config;
    if (typeof requested === "object") {
      config = requested;
    } else {
      const local =
        requested === "ceph"
          ? await startLocalCeph({ port: options.ports?.s3 })
          : await startEmbeddedS3({ port: options.ports?.s3 });
      stops.push(() => local.stop());
      config = local.config;
    }
    const store = new S3Store(config);
    stops.push(() => store.destroy());
    const log = new RequestLog();
    const chaos = new Chaos(options.chaos);
    stops.push(() => chaos.release());
    const ledger = new PartLedger();
    const rateLimit: RateLimitSettings = { ...RATE_LIMIT_DEFAULTS, ...options.rateLimit };
    const rateCounts: RateLimitCounts = { accepted: 0, refused: 0 };
    const cors: CorsSettings =
      options.cors === false ? { ...CORS_DEFAULTS, enabled: false } : { ...CORS_DEFAULTS, ...options.cors };
    const gateway: StoreGateway = await startStoreGateway({
      storeEndpoint: config.endpoint,
      ledger,
      log,
      chaos,
      port: options.ports?.store,
      checkExpiry: requested === "embedded",
      cors,
    });
    stops.push(() => gateway.close());

    const settings = {
      fanvue: { ...FANVUE_DEFAULTS, ...options.fanvue },
      ofauth: { ...OFAUTH_DEFAULTS, ...options.ofauth },
      record360: { ...RECORD360_DEFAULTS, ...options.record360 },
      flowkiwi: { ...FLOWKIWI_DEFAULTS, ...options.flowkiwi },
    };
    let fanvueFake: FanvueFake | undefined;
    const makers: Record<ProviderName, (context: ProviderContext) => ProviderFake> = {
      fanvue: (context) => {
        fanvueFake = createFanvueFake(context, settings.fanvue);
        return fanvueFake;
      },
      ofauth: (context) => createOfauthFake(context, settings.ofauth),
      record360: (context) => createRecord360Fake(context, settings.record360),
      flowkiwi: (context) => createFlowkiwiFake(context, settings.flowkiwi),
    };
    const started = {} as Record<ProviderName, { server: FakeServer; fake: ProviderFake } | undefined>;
    for (const name of PROVIDER_NAMES) {
      if (!enabled.has(name)) continue;
      let origin = "";
      const fake = makers[name]({ store, gateway, ledger, origin: () => origin });
      const server = await startFakeServer({
        name,
        ...fake,
        log,
        chaos,
        port: options.ports?.[name],
        host: options.host,
        latencyMs: options.latencyMs,
        cors,
        rateLimit: { window: new RateWindow(rateLimit, rateCounts), retryAfterSeconds: () => rateLimit.retryAfterSeconds },
      });
      origin = server.origin;
      stops.push(() => server.close());
      started[name] = { server, fake };
    }
    const endpoint = <C>(name: ProviderName, credentials: C): SandboxProvider<C> => {
      const entry = started[name];
      return {
        baseUrl: entry?.server.origin ?? "",
        credentials,
        keyOf: (id) => entry?.fake.keyOf(id),
        finished: () => entry?.fake.finished() ?? [],
      };
    };
    const endpoints = {
      fanvue: {
        ...endpoint("fanvue", {
          token: settings.fanvue.token,
          apiVersion: settings.fanvue.apiVersions[0] as string,
          creatorUserUuid: settings.fanvue.creators[0] as string,
        }),
        finishProcessing: (mediaUuid?: string) => fanvueFake?.finishProcessing(mediaUuid),
        get messages() {
          return fanvueFake?.messages ?? [];
        },
      },
      ofauth: endpoint("ofauth", { apiKey: settings.ofauth.apiKey, connectionId: settings.ofauth.connectionId }),
      record360: endpoint("record360", {
        token: settings.record360.token,
        username: settings.record360.username,
        password: settings.record360.password,
      }),
      flowkiwi: endpoint("flowkiwi", {
        token: settings.flowkiwi.token,
        organizationId: settings.flowkiwi.organizationId,
        tenant: "sandbox",
      }),
    };
    return {
      ...endpoints,
      store: { endpoint: config.endpoint, bucket: config.bucket, gatewayOrigin: gateway.origin },
      requests: log.entries,
      chaos: {
        injected: chaos.injected,
        get total() {
          return chaos.total;
        },
      },
      objectSha256: async (key) => (await store.digests(key)).sha256,
      expireUrl: (url) => gateway.expire(url),
      rotateCredential: (provider) => {
        const fresh = `${provider}-rotated-${randomUUID()}`;
        const field = provider === "ofauth" ? "apiKey" : "token";
        (settings[provider] as unknown as Record<string, string>)[field] = fresh;
        (endpoints[provider].credentials as Record<string, string>)[field] = fresh;
        return fresh;
      },
      cors,
      rateLimit: Object.defineProperty(rateLimit, "counts", { value: rateCounts, enumerable: true }) as RateLimitSettings & {
        readonly counts: RateLimitCounts;
      },
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

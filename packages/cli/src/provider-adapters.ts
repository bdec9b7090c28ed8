import {
  type CallRateLimiter,
  type CheckpointStore,
  InputError,
  type ProgressListener,
  type TransportEvent,
  type UploadManyOptions,
  type UploadManyOutcome,
} from "@uploadkit/multipart";
import { assertHttpUrl, assertMimeType, credentialProblem, headerValueProblem } from "@uploadkit/multipart/internal";
import { PROVIDER_NAMES, type ProviderDescriptor, type ProviderName, providerDescriptor } from "@uploadkit/providers";
import type { Sandbox } from "@uploadkit/sandbox";
import { UsageError } from "./exit-codes.js";
import { inCliTerms } from "./format-error.js";

export type { ProviderName } from "@uploadkit/providers";
export const PROVIDERS: readonly ProviderName[] = PROVIDER_NAMES;

/** The flags `uploadkit upload` takes (commander's camelCase names; credential flags are the registry's options). */
export interface UploadFlags {
  token?: string;
  apiKey?: string;
  connectionId?: string;
  organizationId?: string;
  tenant?: string;
  baseUrl?: string;
  apiVersion?: string;
  name?: string;
  mediaType?: string;
  creator?: string;
  contentType?: string;
  partCount?: number;
  partSize?: number;
  fileId?: string;
  concurrency?: number;
  wait?: boolean;
  skipIfExists?: boolean;
  verbose?: boolean;
}

/** The transport options every client gets from the flags: `--verbose` logs at debug to stderr; one rate limiter. */
function transportOptions(flags: UploadFlags, limiter: CallRateLimiter | undefined) {
  const write = (line: string) => process.stderr.write(`${line}\n`);
  return {
    ...(flags.verbose ? { logLevel: "debug" as const, logger: { debug: write, info: write, warn: write, error: write } } : {}),
    ...(limiter ? { rateLimit: { limiter } } : {}),
  };
}

export interface UploadRun {
  /** Aborts this file (uploadEach's own signal aborts them all). */
  signal?: AbortSignal | undefined;
  onProgress: ProgressListener;
  checkpoint: CheckpointStore | string | undefined;
  /** Told of each retry of this file's calls and parts (for the report's attempts). */
  onRetry?: ((event: TransportEvent) => void) | undefined;
}

/** What one upload produced: `id` is what the provider calls it (media uuid, upload id, file id). */
export interface UploadOutcome {
  id: string;
  status?: string;
}

/** The calls of a run: one client (one rate limit, one connection pool) for every file. */
export interface RunClient {
  uploadMedia(input: string, options: Record<string, unknown>): Promise<unknown>;
  uploadEach(
    items: AsyncIterable<{ input: string; options: Record<string, unknown> }>,
    options: UploadManyOptions,
  ): AsyncGenerator<UploadManyOutcome<unknown>>;
}

export interface Adapter {
  descriptor: ProviderDescriptor;
  /** The flags a sandbox's fake of this provider takes (credentials and base URL). */
  fromSandbox(sandbox: Sandbox): Partial<UploadFlags>;
  resumable: boolean;
  /** Refuses a flag only other providers take (`--wait` for record360): it would be ignored. */
  assertFlags(flags: UploadFlags): void;
  /** The provider's client for a run (loaded on first use, so a run loads only the package it uploads with). */
  client(flags: UploadFlags, limiter?: CallRateLimiter): Promise<RunClient>;
  /** The `uploadMedia` options of one file, from the flags. */
  options(flags: UploadFlags, run: UploadRun): Record<string, unknown>;
  /** The id and status a result shows. */
  outcome(result: unknown): UploadOutcome;
  /** One file through a client of its own (the demo). */
  upload(flags: UploadFlags, file: string, run: UploadRun): Promise<UploadOutcome>;
}

/** The options every provider's uploadMedia takes, from the flags that were given (an unsupported one is refused there). */
function commonOptions(flags: UploadFlags, run: UploadRun) {
  return {
    ...(run.signal === undefined ? {} : { signal: run.signal }),
    onProgress: run.onProgress,
    ...(run.onRetry === undefined ? {} : { onRetry: run.onRetry }),
    ...(run.checkpoint === undefined ? {} : { checkpoint: run.checkpoint }),
    ...(flags.contentType === undefined ? {} : { contentType: flags.contentType }),
    ...(flags.concurrency === undefined ? {} : { concurrency: flags.concurrency }),
    ...(flags.partSize === undefined ? {} : { partSize: flags.partSize }),
    ...(flags.partCount === undefined ? {} : { partCount: flags.partCount }),
  };
}

interface ProviderCalls {
  /** The flags only some providers take that this one reads (its credentials and its own upload options). */
  flags: readonly (keyof UploadFlags)[];
  client(flags: UploadFlags, limiter: CallRateLimiter | undefined): Promise<unknown>;
  options(flags: UploadFlags, run: UploadRun): Record<string, unknown>;
  outcome(result: never): UploadOutcome;
}

/** Each provider's client, options and result, in one table. */
const CALLS: Record<ProviderName, ProviderCalls> = {
  fanvue: {
    flags: ["token", "apiVersion", "name", "mediaType", "creator", "wait", "partCount", "partSize"],
    async client(flags, limiter) {
      const problem = flags.apiVersion === undefined ? undefined : headerValueProblem(flags.apiVersion);
      if (problem) throw new UsageError(`--api-version cannot be sent as a header: ${problem}.`);
      const { createFanvueClient } = await import("@uploadkit/fanvue");
      return createFanvueClient({
        ...transportOptions(flags, limiter),
        token: flags.token as string,
        baseUrl: flags.baseUrl,
        apiVersion: flags.apiVersion,
      });
    },
    options: (flags, run) => ({
      ...commonOptions(flags, run),
      name: flags.name,
      mediaType: flags.mediaType,
      creatorUserUuid: flags.creator,
      waitForReady: flags.wait,
    }),
    outcome: (result: { id: string; status: string }) => ({ id: result.id, status: result.status }),
  },
  ofauth: {
    flags: ["apiKey", "connectionId", "skipIfExists"],
    async client(flags, limiter) {
      const { createOfauthClient } = await import("@uploadkit/ofauth");
      return createOfauthClient({
        ...transportOptions(flags, limiter),
        apiKey: flags.apiKey as string,
        connectionId: flags.connectionId as string,
        baseUrl: flags.baseUrl,
      });
    },
    options: (flags, run) => ({ ...commonOptions(flags, run), skipIfExists: flags.skipIfExists }),
    outcome: (result: { id: string; skipped?: boolean }) => ({
      id: result.id,
      status: result.skipped ? `skipped (already in the vault: id ${result.id})` : "uploaded",
    }),
  },
  record360: {
    flags: ["token", "fileId", "partCount", "partSize"],
    async client(flags, limiter) {
      const { createRecord360Client } = await import("@uploadkit/record360");
      return createRecord360Client({ ...transportOptions(flags, limiter), token: flags.token as string, baseUrl: flags.baseUrl });
    },
    options: (flags, run) => ({ ...commonOptions(flags, run), fileId: flags.fileId }),
    outcome: (result: { id: string }) => ({ id: result.id, status: "completed" }),
  },
  flowkiwi: {
    flags: ["token", "organizationId", "tenant"],
    async client(flags, limiter) {
      const { createFlowkiwiClient } = await import("@uploadkit/flowkiwi");
      return createFlowkiwiClient({
        ...transportOptions(flags, limiter),
        token: flags.token as string,
        organizationId: flags.organizationId as string,
        tenant: flags.tenant,
        baseUrl: flags.baseUrl,
      });
    },
    options: (flags, run) => commonOptions(flags, run),
    outcome: (result: { id: string; type?: string }) => ({ id: result.id, status: result.type ?? "created" }),
  },
};

/** Each flag only some providers take, and those providers. */
const PROVIDERS_OF_FLAG = new Map<keyof UploadFlags, ProviderName[]>();
for (const [provider, calls] of Object.entries(CALLS) as [ProviderName, ProviderCalls][]) {
  for (const flag of calls.flags) PROVIDERS_OF_FLAG.set(flag, [...(PROVIDERS_OF_FLAG.get(flag) ?? []), provider]);
}

export function adapterFor(provider: string): Adapter {
  if (!PROVIDERS.includes(provider as ProviderName)) {
    throw new UsageError(`Unknown provider "${provider}". Choose one of: ${PROVIDERS.join(", ")}.`);
  }
  const descriptor = providerDescriptor(provider);
  const calls = CALLS[descriptor.name];
  return {
    descriptor,
    resumable: descriptor.resumable,
    fromSandbox(sandbox) {
      const fake = sandbox[descriptor.name];
      const credentials = fake.credentials as Record<string, string>;
      return {
        ...Object.fromEntries(descriptor.credentials.map((credential) => [credential.option, credentials[credential.option]])),
        baseUrl: fake.baseUrl,
      };
    },
    async client(flags, limiter) {
      try {
        return (await calls.client(flags, limiter)) as RunClient;
      } catch (error) {
        // An option the client refuses when it is made came from a flag: a usage error, in the flags' words.
        throw error instanceof InputError ? new UsageError(inCliTerms(error.message)) : error;
      }
    },
    assertFlags(flags) {
      for (const [flag, providers] of PROVIDERS_OF_FLAG) {
        if (flags[flag] !== undefined && !providers.includes(descriptor.name)) {
          const spelt = `--${flag.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`;
          throw new UsageError(`${spelt} is for ${providers.join(", ")}; ${descriptor.name} does not take it.`);
        }
      }
      // Flags every file would fail on alike: refused before anything starts.
      if (flags.contentType !== undefined) {
        try {
          assertMimeType(flags.contentType, "--content-type");
        } catch (error) {
          throw new UsageError((error as Error).message);
        }
      }
      if (flags.name === "")
        throw new UsageError("--name is empty: give the media's display name, or leave it out to use each file's name.");
    },
    options: (flags, run) => calls.options(flags, run),
    outcome: (result) => calls.outcome(result as never),
    async upload(flags, file, run) {
      const client = (await calls.client(flags, undefined)) as RunClient;
      return calls.outcome((await client.uploadMedia(file, calls.options(flags, run))) as never);
    },
  };
}

/** Fills credentials and the base URL from the environment; a missing credential is a UsageError naming the variable to set. */
export function resolveCredentials(provider: ProviderName, flags: UploadFlags, env: NodeJS.ProcessEnv): UploadFlags {
  const descriptor = providerDescriptor(provider);
  const resolved: UploadFlags = { ...flags };
  resolved.baseUrl ??= env[descriptor.baseUrlEnv] || undefined;
  if (resolved.baseUrl !== undefined) {
    try {
      assertHttpUrl(flags.baseUrl !== undefined ? "--base-url" : descriptor.baseUrlEnv, resolved.baseUrl);
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
  }
  for (const credential of descriptor.credentials) {
    const flag = flags[credential.option as keyof UploadFlags] as string | undefined;
    const value = flag ?? env[credential.env];
    if (value) {
      const problem = credentialProblem(value);
      if (problem) {
        throw new UsageError(
          `The ${provider} credential from ${flag !== undefined ? credential.flag : credential.env} cannot be sent: ${problem}. Give the value alone, on one line.`,
        );
      }
      (resolved as Record<string, unknown>)[credential.option] = value;
    } else if (!(credential.optionalWithBaseUrl && resolved.baseUrl)) {
      throw new UsageError(`Missing ${provider} credential: set ${credential.env} or pass ${credential.flag}.`);
    }
  }
  return resolved;
}

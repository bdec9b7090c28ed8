import type { CheckpointStore, ProgressListener } from "@uploadkit/multipart";
import { PROVIDER_NAMES, type ProviderDescriptor, type ProviderName, providerDescriptor } from "@uploadkit/providers";
import type { Sandbox } from "@uploadkit/sandbox";
import { UsageError } from "./exit-codes.js";

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

/** The transport options every client gets from the flags: `--verbose` logs at debug to stderr. */
function transportOptions(flags: UploadFlags) {
  if (!flags.verbose) return {};
  const write = (line: string) => process.stderr.write(`${line}\n`);
  return { logLevel: "debug" as const, logger: { debug: write, info: write, warn: write, error: write } };
}

export interface UploadRun {
  signal: AbortSignal;
  onProgress: ProgressListener;
  checkpoint: CheckpointStore | string | undefined;
}

/** What one upload produced: `id` is what the provider calls it (media uuid, upload id, file id). */
export interface UploadOutcome {
  id: string;
  status?: string;
}

export interface Adapter {
  descriptor: ProviderDescriptor;
  /** The flags a sandbox's fake of this provider takes (credentials and base URL). */
  fromSandbox(sandbox: Sandbox): Partial<UploadFlags>;
  resumable: boolean;
  upload(flags: UploadFlags, file: string, run: UploadRun): Promise<UploadOutcome>;
}

/** The options every provider's uploadMedia takes, from the flags that were given (an unsupported one is refused there). */
function commonOptions(flags: UploadFlags, run: UploadRun) {
  return {
    signal: run.signal,
    onProgress: run.onProgress,
    ...(run.checkpoint === undefined ? {} : { checkpoint: run.checkpoint }),
    ...(flags.contentType === undefined ? {} : { contentType: flags.contentType }),
    ...(flags.concurrency === undefined ? {} : { concurrency: flags.concurrency }),
    ...(flags.partSize === undefined ? {} : { partSize: flags.partSize }),
    ...(flags.partCount === undefined ? {} : { partCount: flags.partCount }),
  };
}

type Upload = (flags: UploadFlags, file: string, run: UploadRun) => Promise<UploadOutcome>;

/** Each provider's client, loaded on first use so a run loads only the package it uploads with. */
const UPLOADS: Record<ProviderName, Upload> = {
  async fanvue(flags, file, run) {
    const { createFanvueClient } = await import("@uploadkit/fanvue");
    const client = createFanvueClient({
      ...transportOptions(flags),
      token: flags.token as string,
      baseUrl: flags.baseUrl,
      apiVersion: flags.apiVersion,
    });
    const result = await client.uploadMedia(file, {
      ...commonOptions(flags, run),
      name: flags.name,
      mediaType: flags.mediaType as "image" | "video" | "audio" | "document" | undefined,
      creatorUserUuid: flags.creator,
      waitForReady: flags.wait,
    });
    return { id: result.id, status: result.status };
  },
  async ofauth(flags, file, run) {
    const { createOfauthClient } = await import("@uploadkit/ofauth");
    const client = createOfauthClient({
      ...transportOptions(flags),
      apiKey: flags.apiKey as string,
      connectionId: flags.connectionId as string,
      baseUrl: flags.baseUrl,
    });
    const result = await client.uploadMedia(file, { ...commonOptions(flags, run), skipIfExists: flags.skipIfExists });
    return { id: result.id, status: result.skipped ? `skipped (already in the vault: id ${result.id})` : "uploaded" };
  },
  async record360(flags, file, run) {
    const { createRecord360Client } = await import("@uploadkit/record360");
    const client = createRecord360Client({ ...transportOptions(flags), token: flags.token as string, baseUrl: flags.baseUrl });
    const result = await client.uploadMedia(file, { ...commonOptions(flags, run), fileId: flags.fileId });
    return { id: result.id, status: "completed" };
  },
  async flowkiwi(flags, file, run) {
    const { createFlowkiwiClient } = await import("@uploadkit/flowkiwi");
    const client = createFlowkiwiClient({
      ...transportOptions(flags),
      token: flags.token as string,
      organizationId: flags.organizationId as string,
      tenant: flags.tenant,
      baseUrl: flags.baseUrl,
    });
    const media = await client.uploadMedia(file, commonOptions(flags, run));
    return { id: media.id, status: media.type ?? "created" };
  },
};

export function adapterFor(provider: string): Adapter {
  if (!PROVIDERS.includes(provider as ProviderName)) {
    throw new UsageError(`Unknown provider "${provider}". Choose one of: ${PROVIDERS.join(", ")}.`);
  }
  const descriptor = providerDescriptor(provider);
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
    upload: UPLOADS[descriptor.name],
  };
}

/** Fills credentials and the base URL from the environment; a missing credential is a UsageError naming the variable to set. */
export function resolveCredentials(provider: ProviderName, flags: UploadFlags, env: NodeJS.ProcessEnv): UploadFlags {
  const descriptor = providerDescriptor(provider);
  const resolved: UploadFlags = { ...flags };
  resolved.baseUrl ??= env[descriptor.baseUrlEnv] || undefined;
  for (const credential of descriptor.credentials) {
    const value = (flags[credential.option as keyof UploadFlags] as string | undefined) ?? env[credential.env];
    if (value) {
      (resolved as Record<string, unknown>)[credential.option] = value;
    } else if (!(credential.optionalWithBaseUrl && resolved.baseUrl)) {
      throw new UsageError(`Missing ${provider} credential: set ${credential.env} or pass ${credential.flag}.`);
    }
  }
  return resolved;
}

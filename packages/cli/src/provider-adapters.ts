import { createFanvueClient, type FanvueMediaType } from "@uploadkit/fanvue";
import { createFlowkiwiClient } from "@uploadkit/flowkiwi";
import type { CheckpointStore, ProgressListener } from "@uploadkit/multipart";
import { createOfauthClient } from "@uploadkit/ofauth";
import { createRecord360Client } from "@uploadkit/record360";
import type { Sandbox } from "@uploadkit/sandbox";
import { UsageError } from "./exit-codes.js";

export type ProviderName = "fanvue" | "ofauth" | "record360" | "flowkiwi";
export const PROVIDERS: ProviderName[] = ["fanvue", "ofauth", "record360", "flowkiwi"];

/** The flags `uploadkit upload` takes (commander's camelCase names). */
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

interface Adapter {
  /** Credential flags and the environment variables that stand in for them. */
  credentials: { flag: keyof UploadFlags; option: string; env: string; optionalWithBaseUrl?: boolean }[];
  fromSandbox(sandbox: Sandbox): Partial<UploadFlags>;
  resumable: boolean;
  upload(flags: UploadFlags, file: string, run: UploadRun): Promise<UploadOutcome>;
}

const ADAPTERS: Record<ProviderName, Adapter> = {
  fanvue: {
    credentials: [{ flag: "token", option: "--token", env: "FANVUE_TOKEN" }],
    fromSandbox: (s) => ({ token: s.fanvue.credentials.token, baseUrl: s.fanvue.baseUrl }),
    resumable: true,
    async upload(flags, file, run) {
      const client = createFanvueClient({ token: flags.token as string, baseUrl: flags.baseUrl, apiVersion: flags.apiVersion });
      const result = await client.uploadMedia(file, {
        name: flags.name,
        mediaType: flags.mediaType as FanvueMediaType | undefined,
        creatorUserUuid: flags.creator,
        partSize: flags.partSize,
        concurrency: flags.concurrency,
        waitForReady: flags.wait,
        ...run,
      });
      return { id: result.mediaUuid, status: result.status };
    },
  },
  ofauth: {
    credentials: [
      { flag: "apiKey", option: "--api-key", env: "OFAUTH_API_KEY" },
      { flag: "connectionId", option: "--connection-id", env: "OFAUTH_CONNECTION_ID" },
    ],
    fromSandbox: (s) => ({ ...s.ofauth.credentials, baseUrl: s.ofauth.baseUrl }),
    resumable: true,
    async upload(flags, file, run) {
      const client = createOfauthClient({
        apiKey: flags.apiKey as string,
        connectionId: flags.connectionId as string,
        baseUrl: flags.baseUrl,
      });
      const result = await client.uploadMedia(file, {
        contentType: flags.contentType,
        concurrency: flags.concurrency,
        skipIfExists: flags.skipIfExists,
        ...run,
      });
      return result.skipped
        ? { id: String(result.media.id), status: "already in vault" }
        : { id: result.mediaUploadId, status: "uploaded" };
    },
  },
  record360: {
    credentials: [{ flag: "token", option: "--token", env: "RECORD360_TOKEN" }],
    fromSandbox: (s) => ({ token: s.record360.credentials.token, baseUrl: s.record360.baseUrl }),
    resumable: true,
    async upload(flags, file, run) {
      const client = createRecord360Client({ token: flags.token as string, baseUrl: flags.baseUrl });
      const result = await client.uploadMedia(file, {
        fileId: flags.fileId,
        contentType: flags.contentType,
        partCount: flags.partCount,
        concurrency: flags.concurrency,
        ...run,
      });
      return { id: result.id, status: "completed" };
    },
  },
  flowkiwi: {
    credentials: [
      { flag: "token", option: "--token", env: "FLOWKIWI_TOKEN" },
      { flag: "organizationId", option: "--organization-id", env: "FLOWKIWI_ORGANIZATION_ID" },
      { flag: "tenant", option: "--tenant", env: "FLOWKIWI_TENANT", optionalWithBaseUrl: true },
    ],
    fromSandbox: (s) => ({ ...s.flowkiwi.credentials, baseUrl: s.flowkiwi.baseUrl }),
    resumable: false,
    async upload(flags, file, run) {
      const client = createFlowkiwiClient({
        token: flags.token as string,
        organizationId: flags.organizationId as string,
        tenant: flags.tenant,
        baseUrl: flags.baseUrl,
      });
      const media = await client.uploadMedia(file, {
        contentType: flags.contentType,
        signal: run.signal,
        onProgress: run.onProgress,
      });
      return { id: media.id ?? media["@id"], status: media.type ?? "created" };
    },
  },
};

export function adapterFor(provider: string): Adapter {
  if (!PROVIDERS.includes(provider as ProviderName)) {
    throw new UsageError(`Unknown provider "${provider}". Choose one of: ${PROVIDERS.join(", ")}.`);
  }
  return ADAPTERS[provider as ProviderName];
}

/** Fills credentials from the environment; a missing one is a UsageError naming the variable to set. */
export function resolveCredentials(provider: ProviderName, flags: UploadFlags, env: NodeJS.ProcessEnv): UploadFlags {
  const resolved: UploadFlags = { ...flags };
  for (const credential of ADAPTERS[provider].credentials) {
    const value = (flags[credential.flag] as string | undefined) ?? env[credential.env];
    if (value) {
      (resolved as Record<string, unknown>)[credential.flag] = value;
    } else if (!(credential.optionalWithBaseUrl && flags.baseUrl)) {
      throw new UsageError(`Missing ${provider} credential: set ${credential.env} or pass ${credential.option}.`);
    }
  }
  return resolved;
}

import { createFanvueClient } from "@uploadkit/fanvue";
import { createFlowkiwiClient } from "@uploadkit/flowkiwi";
import type { ClientTransportOptions, SourceInput, UploadResultCore } from "@uploadkit/multipart";
import { createOfauthClient } from "@uploadkit/ofauth";
import { PROVIDER_NAMES, type ProviderName } from "@uploadkit/providers";
import { createRecord360Client } from "@uploadkit/record360";
import type { Sandbox } from "@uploadkit/sandbox";

export type Provider = ProviderName;
export const PROVIDERS: readonly Provider[] = PROVIDER_NAMES;

export interface UploadOptions {
  signal?: AbortSignal;
  checkpoint?: string;
  onProgress?: (progress: { loaded: number; partsDone: number }) => void;
  partSize?: number;
}

/** One call that uploads through a provider's public API, returning the id the sandbox stores it under. */
export function uploader(
  provider: Provider,
  sandbox: Sandbox,
  transport: ClientTransportOptions,
  baseUrl = sandbox[provider].baseUrl,
) {
  return async (input: SourceInput, options: UploadOptions = {}): Promise<string> => {
    switch (provider) {
      case "fanvue": {
        const client = createFanvueClient({ ...transport, token: sandbox.fanvue.credentials.token, baseUrl });
        return (await client.uploadMedia(input, { filename: "clip.mp4", ...options })).mediaUuid;
      }
      case "ofauth": {
        const client = createOfauthClient({ ...transport, ...sandbox.ofauth.credentials, baseUrl });
        return (await client.uploadMedia(input, { filename: "clip.mp4", contentType: "video/mp4", ...options })).id;
      }
      case "record360": {
        const client = createRecord360Client({ ...transport, token: sandbox.record360.credentials.token, baseUrl });
        return (await client.uploadMedia(input, { contentType: "video/mp4", ...options })).id;
      }
      case "flowkiwi": {
        const client = createFlowkiwiClient({
          ...transport,
          token: sandbox.flowkiwi.credentials.token,
          organizationId: sandbox.flowkiwi.credentials.organizationId,
          baseUrl,
        });
        const { signal, onProgress } = options;
        return (await client.uploadMedia(input, { filename: "clip.mp4", contentType: "video/mp4", signal, onProgress }))
          .id as string;
      }
    }
  };
}

/** Distinct, random credentials for every fake, so a leak of any of them is unmistakable. */
export function secretSandboxOptions() {
  const secret = (label: string) => `${label}-${crypto.randomUUID()}`;
  return {
    fanvue: { token: secret("fanvue-token"), processingMs: 0 },
    ofauth: { apiKey: secret("ofauth-key"), connectionId: secret("conn") },
    record360: { token: secret("r360-token") },
    flowkiwi: { token: secret("kiwi-token"), organizationId: secret("org") },
  };
}

export function secretsOf(sandbox: Sandbox): Record<string, string[]> {
  return {
    fanvue: [sandbox.fanvue.credentials.token],
    ofauth: [sandbox.ofauth.credentials.apiKey, sandbox.ofauth.credentials.connectionId],
    record360: [sandbox.record360.credentials.token],
    flowkiwi: [sandbox.flowkiwi.credentials.token, sandbox.flowkiwi.credentials.organizationId],
  };
}

/** What the common-options table drives: every provider's uploadMedia, seen through the common core. */
export interface CommonClient {
  uploadMedia(input: SourceInput, options: Record<string, unknown>): Promise<UploadResultCore>;
  uploadMany(
    items: (SourceInput | { input: SourceInput; options?: Record<string, unknown> })[],
    options?: Record<string, unknown>,
  ): Promise<({ ok: true; index: number; result: UploadResultCore } | { ok: false; index: number; error: unknown })[]>;
}

/** A provider's client on the sandbox (or on `baseUrl`, a proxy in front of it), behind one shape. */
export function commonClient(
  provider: Provider,
  sandbox: Sandbox,
  transport: ClientTransportOptions,
  baseUrl = sandbox[provider].baseUrl,
  /** Credential options that replace the sandbox's (e.g. a token provider function). */
  credentials: Record<string, unknown> = {},
): CommonClient {
  const clients: Record<
    Provider,
    () => {
      uploadMedia(input: SourceInput, options: never): Promise<UploadResultCore>;
      uploadMany(items: never, options: never): Promise<unknown>;
    }
  > = {
    fanvue: () => createFanvueClient({ ...transport, token: sandbox.fanvue.credentials.token, baseUrl, ...credentials }),
    ofauth: () => createOfauthClient({ ...transport, ...sandbox.ofauth.credentials, baseUrl, ...credentials }),
    record360: () => createRecord360Client({ ...transport, token: sandbox.record360.credentials.token, baseUrl, ...credentials }),
    flowkiwi: () =>
      createFlowkiwiClient({
        ...transport,
        token: sandbox.flowkiwi.credentials.token,
        organizationId: sandbox.flowkiwi.credentials.organizationId,
        baseUrl,
        ...credentials,
      }),
  };
  const client = clients[provider]();
  return {
    uploadMedia: (input, options) => client.uploadMedia(input, options as never),
    uploadMany: (items, options) => client.uploadMany(items as never, options as never) as never,
  };
}

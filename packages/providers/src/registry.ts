import descriptors from "./providers.json" with { type: "json" };

/** One credential a provider client takes, and how the CLI and the environment supply it. */
export interface CredentialDescriptor {
  /** The client option, e.g. `token`. */
  option: string;
  /** The CLI flag, e.g. `--token`. */
  flag: string;
  /** The environment variable the CLI reads when the flag is absent. */
  env: string;
  /** What the credential is, in a few words. */
  description: string;
  /** Not needed when a base URL is given (Flowkiwi's tenant only builds the URL). */
  optionalWithBaseUrl?: boolean | undefined;
}

/** What uploadkit knows about one provider, outside its client: names, credentials, base URL. */
export interface ProviderDescriptor {
  /** The provider's name in uploadkit: `fanvue`, `ofauth`, `record360`, `flowkiwi`. */
  name: ProviderName;
  /** How people write it: "Fanvue". */
  title: string;
  /** The npm package with its client. */
  packageName: string;
  /** The credentials its client takes. */
  credentials: readonly CredentialDescriptor[];
  /** The environment variable that overrides the API base URL (CLI). */
  baseUrlEnv: string;
  /** The API base URL clients use by default (Flowkiwi's depends on the tenant). */
  defaultBaseUrl: string | undefined;
  /** Interrupted uploads resume from a checkpoint (the bytes go in parts). */
  resumable: boolean;
}

/** A provider's name. */
export type ProviderName = "fanvue" | "ofauth" | "record360" | "flowkiwi";

/**
 * Every provider uploadkit supports: the one list the CLI, sandbox, test kit, scripts and suites read. The data is
 * `providers.json`, so the repository's plain-JavaScript scripts read the same list without a build.
 */
export const PROVIDERS: readonly ProviderDescriptor[] = (descriptors as unknown as ProviderDescriptor[]).map((descriptor) => ({
  ...descriptor,
  defaultBaseUrl: descriptor.defaultBaseUrl ?? undefined,
}));

/** Every provider's name, in the registry's order. */
export const PROVIDER_NAMES: readonly ProviderName[] = PROVIDERS.map((provider) => provider.name);

/** The descriptor of `name`; throws a TypeError listing the providers for an unknown name. */
export function providerDescriptor(name: string): ProviderDescriptor {
  const found = PROVIDERS.find((provider) => provider.name === name);
  if (!found) throw new TypeError(`Unknown provider "${name}". Choose one of: ${PROVIDER_NAMES.join(", ")}.`);
  return found;
}

/**
 * The base URL set for `name` in the environment (`FANVUE_BASE_URL`, …), if any: clients use it when no `baseUrl`
 * option is given, so a staging API, a proxy or a local sandbox needs no code change.
 */
export function baseUrlFromEnvironment(name: ProviderName): string | undefined {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  return env?.[providerDescriptor(name).baseUrlEnv] || undefined;
}

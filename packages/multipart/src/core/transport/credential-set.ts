import { InputError, UploadkitError } from "../errors.js";
import { headerValueProblem } from "../http/header-value.js";
import { redactSecrets } from "../redact.js";

/** What a credential provider is told: `forceRefresh` after the API refused the last value with 401. */
export interface CredentialContext {
  /** True after the API refused the last value with 401: return a fresh one. */
  forceRefresh: boolean;
}

/**
 * A credential: the value itself, or a function returning it (sync or async). A function is asked before every API
 * call — caching is its business — and once more, with `forceRefresh: true`, after a 401.
 */
export type CredentialSource = string | ((context: CredentialContext) => string | Promise<string>);

/** `<scheme> <token>` (e.g. `Bearer …`) for a token or a token provider. */
export function withScheme(scheme: string, token: CredentialSource): CredentialSource {
  return typeof token === "string" ? `${scheme} ${token}` : async (context) => `${scheme} ${await token(context)}`;
}

/**
 * A client's credential headers. Resolves them per request and remembers every value it ever handed out (and the
 * token inside `<scheme> <token>`), so old and new secrets alike are redacted from messages.
 */
export class CredentialSet {
  private readonly known = new Set<string>();

  constructor(
    private readonly sources: Record<string, CredentialSource>,
    alsoSecret: readonly string[] = [],
  ) {
    for (const [name, source] of Object.entries(sources)) {
      if (typeof source !== "string") continue;
      const problem = credentialProblem(source);
      // Checked before any request: fetch would refuse the header with a message quoting the whole value.
      if (problem) {
        throw new InputError(`The credential for ${name} cannot be sent: ${problem}. Give the value alone, on one line.`, {
          code: "CREDENTIALS_INVALID",
        });
      }
      this.remember(source);
    }
    for (const value of alsoSecret) if (value) this.known.add(value);
  }

  /** Some credential comes from a function, so asking again after a 401 may give a new value. */
  get refreshable(): boolean {
    return Object.values(this.sources).some((source) => typeof source === "function");
  }

  get secrets(): string[] {
    return [...this.known];
  }

  get names(): string[] {
    return Object.keys(this.sources);
  }

  async headers(forceRefresh: boolean): Promise<Record<string, string>> {
    const entries = await Promise.all(
      Object.entries(this.sources).map(async ([name, source]) => [name, await this.resolve(name, source, forceRefresh)] as const),
    );
    return Object.fromEntries(entries);
  }

  private async resolve(name: string, source: CredentialSource, forceRefresh: boolean): Promise<string> {
    if (typeof source === "string") return source;
    let value: unknown;
    try {
      value = await source({ forceRefresh });
    } catch (error) {
      if (error instanceof UploadkitError) throw error;
      throw new UploadkitError(
        redactSecrets(`The credential provider for ${name} failed: ${(error as Error)?.message ?? String(error)}`, this.secrets),
        { code: "CREDENTIALS_PROVIDER_FAILED" },
      );
    }
    // A provider that returned "" shows here as "Bearer " (see withScheme): a trailing space.
    const problem = typeof value === "string" ? credentialProblem(value) : "it is no string";
    if (problem) {
      throw new UploadkitError(
        `The credential provider for ${name} returned no usable value (${problem}): give a non-empty string, on one line.`,
        { code: "CREDENTIALS_INVALID" },
      );
    }
    this.remember(value as string);
    return value as string;
  }

  private remember(value: string): void {
    this.known.add(value);
    const token = /^\S+ (\S+)$/.exec(value)?.[1];
    if (token) this.known.add(token);
  }
}

/**
 * Why a credential value cannot go in an HTTP header as it is, if it cannot — never quoting it. A value read from a
 * file or an environment file often keeps its line break (`\n`, or `\r` from Windows).
 */
export function credentialProblem(value: string): string | undefined {
  // `<scheme> <token>` (withScheme): the token is checked too, as "Bearer  x" is a valid header but no valid token.
  const token = /^\S+ ([\s\S]*)$/.exec(value)?.[1];
  return (token === undefined ? undefined : headerValueProblem(token)) ?? headerValueProblem(value);
}

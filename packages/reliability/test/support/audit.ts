import { inspect } from "node:util";
import type { LoggedRequest } from "@uploadkit/sandbox";

/** Everything the suite saw that could leak a secret: errors (with cause chains) and log lines. */
export class LeakAudit {
  readonly errors: unknown[] = [];
  readonly lines: string[] = [];

  error(error: unknown): unknown {
    this.errors.push(error);
    return error;
  }

  line(text: string): void {
    this.lines.push(text);
  }

  /** Messages and causes of every recorded error, as text. */
  errorTexts(): string[] {
    const texts: string[] = [];
    for (const error of this.errors) {
      let current: unknown = error;
      for (let depth = 0; current && depth < 8; depth++) {
        texts.push(current instanceof Error ? `${current.name}: ${current.message}` : inspect(current, { depth: 4 }));
        current = (current as { cause?: unknown }).cause;
      }
    }
    return texts;
  }

  /**
   * Leaks found: a secret in an error text or log line; a credential header, or any secret value, reaching the
   * store; a provider's secret reaching another provider's server. An unredacted presigned signature in text.
   */
  leaks(requests: LoggedRequest[], secretsByServer: Record<string, string[]>): string[] {
    const found: string[] = [];
    const allSecrets = Object.values(secretsByServer).flat();
    for (const text of [...this.errorTexts(), ...this.lines]) {
      for (const secret of allSecrets) if (text.includes(secret)) found.push(`secret in text: ${text.slice(0, 120)}`);
      if (/X-Amz-Signature=(?!<redacted>)[0-9a-f]{8,}/i.test(text))
        found.push(`presigned signature in text: ${text.slice(0, 120)}`);
    }
    for (const request of requests) {
      const headers = JSON.stringify(request.headers);
      const mine = secretsByServer[request.server] ?? [];
      for (const secret of allSecrets) {
        if (!mine.includes(secret) && headers.includes(secret))
          found.push(`${request.server} received another server's secret (${request.method} ${request.url})`);
      }
      if (request.server === "store") {
        for (const name of ["authorization", "apikey", "x-connection-id", "x-flowkiwi-organization-id", "cookie"]) {
          if (request.headers[name] !== undefined)
            found.push(`store received ${name} (${request.method} ${request.url.split("?")[0]})`);
        }
      }
    }
    return found;
  }
}

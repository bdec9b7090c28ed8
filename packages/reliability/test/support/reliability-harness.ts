// What the reliability suites share: scratch files, sandboxes whose secrets are audited, bounded fast retries, the
// totals each file prints, and the credential-leak audit it ends with (reliability.test.ts, bad-inputs.test.ts).
import { randomBytes } from "node:crypto";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { ApiRetryEvent, RetryEvent } from "@uploadkit/multipart";
import { type Sandbox, scratchDir, startSandbox } from "@uploadkit/sandbox";
import { afterAll, describe, expect, it } from "vitest";
import { LeakAudit } from "./audit.js";
import { type Provider, secretSandboxOptions, secretsOf } from "./clients.js";
import { MP4_HEAD } from "./fixtures.js";

export { sha256 } from "./sandbox-helpers.js";

export const MiB = 1024 * 1024;
export const FULL = process.env.UPLOADKIT_RELIABILITY_FULL === "1";
export const MAX_SIZE = FULL ? 40 * MiB : 12 * MiB;
export const dir = scratchDir("reliability", { onSignal: true });
export const audit = new LeakAudit();
export const totals = { cases: 0, faults: 0, retries: 0, completed: 0, aborts: 0, resumes: 0, requests: 0, leaks: 0 };
export const perProvider: { provider: string; files: number; faults: number; retries: number; completed: number }[] = [];
export const sandboxes: Sandbox[] = [];
export const audited: { sandbox: Sandbox; secrets: Record<string, string[]> }[] = [];

/** Bounded, fast retries: the policy is the default one, the delays are short. */
export const TRANSPORT = {
  retry: { maxAttempts: 8, baseDelayMs: 5, maxDelayMs: 50, maxRetryAfterMs: 50 },
  // Generous enough for a busy 2-core machine (an API call or part slowed by load must not count as a fault); an
  // injected stall still ends each attempt within seconds.
  timeoutMs: 4000,
  stallTimeoutMs: 2000,
};

export async function sandboxFor(options: Parameters<typeof startSandbox>[0] = {}): Promise<Sandbox> {
  const sandbox = await startSandbox({ ...secretSandboxOptions(), ...options });
  sandboxes.push(sandbox);
  audited.push({ sandbox, secrets: secretsOf(sandbox) });
  return sandbox;
}

/** Random bytes; an `.mp4` starts with an MP4 header, so sniffing never reads the random bytes as another format. */
export function file(name: string, size: number) {
  const bytes = randomBytes(size);
  if (name.endsWith(".mp4") && size >= MP4_HEAD.length) MP4_HEAD.copy(bytes);
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return { path, bytes };
}

export const recentRequests = (sandbox: Sandbox) =>
  `${JSON.stringify(sandbox.chaos.injected)}\n${sandbox.requests
    .slice(-15)
    .map((r) => `${new Date(r.at).toISOString()} ${r.server} ${r.method} ${r.url.split("?")[0]} → ${r.status ?? "no answer yet"}`)
    .join("\n")}`;
export const storedSha = (sandbox: Sandbox, provider: Provider, id: string) =>
  sandbox.objectSha256(sandbox[provider].keyOf(id) as string);
export const logRetry = (event: RetryEvent | ApiRetryEvent) => {
  totals.retries++;
  audit.line(`retry ${JSON.stringify(event)}`);
};

afterAll(async () => {
  for (const sandbox of sandboxes) await sandbox.stop();
  rmSync(dir, { recursive: true, force: true });
});

/**
 * The credential-leak audit of the file's sandboxes, errors and log lines (its last describe), and the summary table.
 * `minErrors`: how many typed errors the file's cases must have produced, so the audit read real messages.
 */
export function describeLeakAudit(minErrors: number): void {
  describe("credential-leak audit", () => {
    it("no token, API key or presigned signature appears where it should not", () => {
      let leaks: string[] = [];
      for (const { sandbox, secrets } of audited) {
        totals.requests += sandbox.requests.length;
        leaks = leaks.concat(audit.leaks(sandbox.requests, secrets));
      }
      totals.leaks = leaks.length;
      const messages = audit.errorTexts().length + audit.lines.length;
      console.log(
        `credential audit: ${totals.requests} requests and ${messages} messages, causes and log lines checked, ${leaks.length} leaks`,
      );
      expect(leaks).toEqual([]);
      expect(audit.errors.length).toBeGreaterThanOrEqual(minErrors);
    });

    afterAll(() => {
      const rows = perProvider.map((p) => `| ${p.provider} | ${p.files} | ${p.faults} | ${p.retries} | ${p.completed} |`);
      console.log(
        [
          ...(rows.length === 0
            ? []
            : [
                "",
                `Fault injection (20% of calls, sizes up to ${MAX_SIZE / MiB} MiB${FULL ? ", --full" : ""}):`,
                "| provider | files | faults injected | retries made | completed byte-identical |",
                "|---|---|---|---|---|",
                ...rows,
              ]),
          "",
          "| cases run | faults injected | uploads completed byte-identical | aborts | resumes | requests audited | leaks found |",
          "|---|---|---|---|---|---|---|",
          `| ${totals.cases} | ${totals.faults} | ${totals.completed} | ${totals.aborts} | ${totals.resumes} | ${totals.requests} | ${totals.leaks} |`,
        ].join("\n"),
      );
    });
  });
}

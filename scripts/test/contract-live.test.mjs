import { spawn } from "node:child_process";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOT = new URL("../..", import.meta.url).pathname;
const SCRIPT = join(ROOT, "scripts/contract-live.mjs");
let sandbox;

beforeAll(async () => {
  const { startSandbox } = await import(join(ROOT, "packages/sandbox/dist/index.js"));
  sandbox = await startSandbox({ providers: ["record360"] });
});
afterAll(async () => {
  await sandbox?.stop();
});

function run(args, env) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [SCRIPT, ...args], { env: { PATH: process.env.PATH, ...env } });
    let out = "";
    child.stdout.on("data", (chunk) => (out += chunk));
    child.stderr.on("data", (chunk) => (out += chunk));
    child.on("exit", (code) => resolve({ code, out }));
  });
}

describe("pnpm test:contract-live", () => {
  it("skips every provider without credentials, naming the secrets to set, and passes", async () => {
    const { code, out } = await run([], {});
    expect(code).toBe(0);
    expect(out).toMatch(/skipped fanvue: no credentials \(set the repository secret FANVUE_TOKEN\)/);
    expect(out).toMatch(/skipped ofauth: .*OFAUTH_API_KEY, OFAUTH_CONNECTION_ID/);
    expect(out).toMatch(/0 read-only calls, 0 failed/);
  });

  it("replays the read-only operations through prism proxy --errors to the API (here the sandbox), never a GET that writes", async () => {
    const { code, out } = await run(["record360"], {
      RECORD360_TOKEN: sandbox.record360.credentials.token,
      RECORD360_BASE_URL: sandbox.record360.baseUrl,
    });
    expect(out).toMatch(/✓ record360 GET \/api\/users\/uploads\/\{file_id\}: 200/);
    expect(out).not.toMatch(/multipart_upload_start/);
    expect(code).toBe(0);
  });
});

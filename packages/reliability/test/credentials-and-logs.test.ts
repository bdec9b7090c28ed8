// Long uploads on real accounts: credentials that refresh mid-upload, Fanvue's OAuth refresh, Record360's sign-in,
// and a debug log of a whole chaos upload in which no secret appears.
import { createHash, randomBytes } from "node:crypto";
import { rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { createFanvueClient, fanvueOAuthToken } from "@uploadkit/fanvue";
import { ApiError, type CredentialContext, InputError, UploadkitError, type UploadProgress } from "@uploadkit/multipart";
import { createRecord360Client, record360SignIn } from "@uploadkit/record360";
import { type Sandbox, scratchDir, startSandbox } from "@uploadkit/sandbox";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commonClient, PROVIDERS, type Provider, secretSandboxOptions, secretsOf } from "./support/clients.js";

const MiB = 1024 * 1024;
const MP4_HEAD = Buffer.from("0000001c667479706d703432000000006d703432697336366d703431", "hex");
const COMMON = { filename: "clip.mp4", contentType: "video/mp4" };
const PLAN: Record<Provider, Record<string, unknown>> = {
  fanvue: { partSize: 5 * MiB },
  ofauth: {},
  record360: { partCount: 2 },
  flowkiwi: {},
};
const FAST = {
  retry: { maxAttempts: 8, baseDelayMs: 1, maxDelayMs: 5, maxRetryAfterMs: 5 },
  timeoutMs: 2000,
  stallTimeoutMs: 2000,
};
const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");
const dir = scratchDir("credentials", { onSignal: true });
let sandbox: Sandbox;
let n = 0;
function mp4(size: number) {
  const bytes = Buffer.concat([MP4_HEAD, randomBytes(size - MP4_HEAD.length)]);
  const path = join(dir, `c${++n}.mp4`);
  writeFileSync(path, bytes);
  return { path, bytes };
}
const secretField = (provider: Provider) => (provider === "ofauth" ? "apiKey" : "token");
const current = (provider: Provider) =>
  (sandbox[provider].credentials as Record<string, string>)[secretField(provider)] as string;
const unauthorized = (provider: Provider) => sandbox.requests.filter((r) => r.server === provider && r.status === 401).length;

beforeAll(async () => {
  sandbox = await startSandbox({ fanvue: { processingMs: 0 } });
});
afterAll(async () => {
  await sandbox?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe("credential providers: the sandbox starts refusing the old credential mid-upload", () => {
  it.each(PROVIDERS)("%s: the upload completes after one refresh, with one extra call for the one 401", async (provider) => {
    let held = current(provider);
    const asked: boolean[] = [];
    const credential = (context: CredentialContext) => {
      asked.push(context.forceRefresh);
      if (context.forceRefresh) held = current(provider);
      return held;
    };
    const { path, bytes } = mp4(12 * MiB);
    const before = unauthorized(provider);
    // Flowkiwi's upload is one request: the credential is rotated before it; the others rotate after the first part.
    if (provider === "flowkiwi") sandbox.rotateCredential(provider);
    let rotated = provider === "flowkiwi";
    const client = commonClient(provider, sandbox, { ...FAST }, undefined, { [secretField(provider)]: credential });
    const result = await client.uploadMedia(path, {
      ...COMMON,
      ...PLAN[provider],
      concurrency: 1,
      onProgress: (p: UploadProgress) => {
        if (!rotated && p.partsDone >= 1) {
          rotated = true;
          sandbox.rotateCredential(provider);
        }
      },
    });
    expect(await sandbox.objectSha256(sandbox[provider].keyOf(result.id) as string)).toBe(sha256(bytes));
    expect(asked.filter(Boolean)).toHaveLength(1);
    expect(unauthorized(provider) - before).toBe(1);
    expect(held).toBe(current(provider));
  });

  it("a static credential is not asked again: the 401 is the error", async () => {
    const client = commonClient("record360", sandbox, FAST, undefined, { token: "not-the-token" });
    const error = await client.uploadMedia(mp4(1024).path, COMMON).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 401 });
    expect((error as Error).message).not.toContain("not-the-token");
  });

  it("a static credential that cannot go in a header (a line break, a control character, beyond Latin-1) or a base URL that is no http(s) URL is an InputError when the client is made, naming what to change and never quoting the credential", () => {
    const before = sandbox.requests.length;
    const made = (provider: Provider, options: Record<string, unknown>, baseUrl?: string) => {
      try {
        commonClient(provider, sandbox, FAST, baseUrl, options);
      } catch (error) {
        return error;
      }
      return undefined;
    };
    for (const provider of PROVIDERS) {
      for (const [bad, problem] of [
        ["xq7-token\n", "a line break"],
        ["xq7-token\r", "a line break"],
        [" xq7-token", "starts or ends with a space"],
        ["xq7\u0000token", "a control character"],
        ["xq7-tøken-☃", "a character an HTTP header cannot carry"],
      ]) {
        const error = made(provider, { [secretField(provider)]: bad });
        expect(error).toBeInstanceOf(InputError);
        expect(error).toMatchObject({ code: "CREDENTIALS_INVALID" });
        const header = provider === "ofauth" ? "apiKey" : "Authorization";
        expect((error as Error).message).toContain(`The credential for ${header} cannot be sent: it `);
        expect((error as Error).message).toContain(problem as string);
        expect((error as Error).message).not.toContain("xq7");
      }
      for (const [baseUrl, shown] of [
        ["not a url", '"not a url"'],
        ["ftp://files.example/api", "one starting ftp:"],
        ["/relative/path", '"/relative/path"'],
      ]) {
        const error = made(provider, {}, baseUrl);
        expect(error).toBeInstanceOf(InputError);
        expect(error).toMatchObject({ code: "INPUT_BASE_URL" });
        expect((error as Error).message).toBe(`baseUrl must be an absolute http:// or https:// URL, got ${shown}.`);
      }
    }
    expect(sandbox.requests.length).toBe(before);
  });

  it("a provider that fails or returns nothing is a typed error naming the header, before any call", async () => {
    const before = sandbox.requests.length;
    for (const token of [() => "", () => "two\nlines", () => Promise.reject(new Error("vault sealed"))]) {
      const error = await commonClient("record360", sandbox, FAST, undefined, { token: token as never })
        .uploadMedia(mp4(1024).path, COMMON)
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UploadkitError);
      expect((error as UploadkitError).code).toMatch(/^CREDENTIALS_/);
      expect((error as Error).message).toContain("Authorization");
    }
    expect(sandbox.requests.length).toBe(before);
  });
});

/** A fake of Fanvue's token endpoint: rotating, single-use refresh tokens with reuse detection. */
async function fakeTokenEndpoint(issueAccessToken: () => string, auth: "post" | "basic" = "post") {
  const clientId = "client-id-1";
  const clientSecret = `client-secret-${randomBytes(8).toString("hex")}`;
  let valid = `refresh-${randomBytes(8).toString("hex")}`;
  const used = new Set<string>();
  const calls: URLSearchParams[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const form = new URLSearchParams(Buffer.concat(chunks).toString());
      calls.push(form);
      const basic = req.headers.authorization === `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString("base64")}`;
      const post = form.get("client_id") === clientId && form.get("client_secret") === clientSecret;
      const send = (status: number, body: unknown) =>
        res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
      if (form.get("grant_type") !== "refresh_token") return send(400, { error: "unsupported_grant_type" });
      if (auth === "basic" ? !basic || form.has("client_secret") : !post) return send(401, { error: "invalid_client" });
      const presented = form.get("refresh_token") ?? "";
      if (presented !== valid || used.has(presented)) {
        return send(400, { error: "invalid_grant", error_description: `refresh token ${presented} was already used` });
      }
      used.add(presented);
      valid = `refresh-${randomBytes(8).toString("hex")}`;
      send(200, { access_token: issueAccessToken(), refresh_token: valid, expires_in: 3600, token_type: "bearer" });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    tokenUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/oauth2/token`,
    clientId,
    clientSecret,
    firstRefreshToken: valid,
    calls,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe("Fanvue OAuth refresh", () => {
  it("refreshes an expired token, rotates the refresh token through onRefresh, and shares one refresh among callers", async () => {
    let issued = 0;
    const endpoint = await fakeTokenEndpoint(() => `access-${++issued}`);
    try {
      const rotations: string[] = [];
      const token = fanvueOAuthToken({
        tokenUrl: endpoint.tokenUrl,
        clientId: endpoint.clientId,
        clientSecret: endpoint.clientSecret,
        refreshToken: endpoint.firstRefreshToken,
        accessToken: "access-0",
        expiresAt: Date.now() - 1000,
        onRefresh: (tokens) => {
          rotations.push(tokens.refreshToken);
        },
      });
      const first = await Promise.all(Array.from({ length: 5 }, () => token({ forceRefresh: false })));
      expect(new Set(first)).toEqual(new Set(["access-1"]));
      expect(endpoint.calls).toHaveLength(1);
      expect(await token({ forceRefresh: false })).toBe("access-1");
      const second = await Promise.all(Array.from({ length: 3 }, () => token({ forceRefresh: true })));
      expect(new Set(second)).toEqual(new Set(["access-2"]));
      expect(endpoint.calls).toHaveLength(2);
      expect(endpoint.calls[1]?.get("refresh_token")).toBe(rotations[0]);
      expect(rotations).toHaveLength(2);
      expect(endpoint.calls.every((call) => call.get("client_id") === endpoint.clientId)).toBe(true);
    } finally {
      await endpoint.close();
    }
  });

  it("client_secret_basic sends the client in the Authorization header", async () => {
    const endpoint = await fakeTokenEndpoint(() => "access-basic", "basic");
    try {
      const token = fanvueOAuthToken({
        tokenUrl: endpoint.tokenUrl,
        clientId: endpoint.clientId,
        clientSecret: endpoint.clientSecret,
        refreshToken: endpoint.firstRefreshToken,
        clientAuthentication: "client_secret_basic",
      });
      expect(await token()).toBe("access-basic");
    } finally {
      await endpoint.close();
    }
  });

  it("a refresh token used twice fails with a typed error that carries no secret", async () => {
    const endpoint = await fakeTokenEndpoint(() => "access-x");
    try {
      const options = {
        tokenUrl: endpoint.tokenUrl,
        clientId: endpoint.clientId,
        clientSecret: endpoint.clientSecret,
        refreshToken: endpoint.firstRefreshToken,
      };
      await fanvueOAuthToken(options)();
      const error = await fanvueOAuthToken(options)().catch((e: unknown) => e);
      expect(error).toMatchObject({ code: "FANVUE_TOKEN_REFRESH_FAILED" });
      expect((error as Error).message).toContain("invalid_grant");
      expect((error as Error).message).not.toContain(endpoint.firstRefreshToken);
      expect((error as Error).message).not.toContain(endpoint.clientSecret);
    } finally {
      await endpoint.close();
    }
  });

  it("an upload whose access token the API stops accepting completes after one refresh through the token endpoint", async () => {
    const endpoint = await fakeTokenEndpoint(() => current("fanvue"));
    try {
      const { path, bytes } = mp4(12 * MiB);
      const fanvue = createFanvueClient({
        ...FAST,
        baseUrl: sandbox.fanvue.baseUrl,
        token: fanvueOAuthToken({
          tokenUrl: endpoint.tokenUrl,
          clientId: endpoint.clientId,
          clientSecret: endpoint.clientSecret,
          refreshToken: endpoint.firstRefreshToken,
          accessToken: current("fanvue"),
        }),
      });
      let rotated = false;
      const result = await fanvue.uploadMedia(path, {
        partSize: 5 * MiB,
        concurrency: 1,
        onProgress: (p) => {
          if (!rotated && p.partsDone >= 1) {
            rotated = true;
            sandbox.rotateCredential("fanvue");
          }
        },
      });
      expect(await sandbox.objectSha256(sandbox.fanvue.keyOf(result.id) as string)).toBe(sha256(bytes));
      expect(endpoint.calls).toHaveLength(1);
    } finally {
      await endpoint.close();
    }
  });
});

describe("Record360 sign-in", () => {
  it("signs in with a username and password, and again after a 401", async () => {
    const signIns = () =>
      sandbox.requests.filter((r) => r.server === "record360" && r.url.startsWith("/api/users/authenticate")).length;
    const before = signIns();
    const { path, bytes } = mp4(12 * MiB);
    const r360 = createRecord360Client({
      ...FAST,
      baseUrl: sandbox.record360.baseUrl,
      token: record360SignIn({ ...sandbox.record360.credentials, baseUrl: sandbox.record360.baseUrl }),
    });
    let rotated = false;
    const file = await r360.uploadMedia(path, {
      contentType: "video/mp4",
      partCount: 2,
      concurrency: 1,
      onProgress: (p) => {
        if (!rotated && p.partsDone >= 1) {
          rotated = true;
          sandbox.rotateCredential("record360");
        }
      },
    });
    expect(await sandbox.objectSha256(sandbox.record360.keyOf(file.id) as string)).toBe(sha256(bytes));
    expect(signIns() - before).toBe(2);
  });

  it("a wrong password is an ApiError 401 whose message and body do not carry the password", async () => {
    const password = `wrong-${randomBytes(6).toString("hex")}`;
    const token = record360SignIn({
      username: sandbox.record360.credentials.username,
      password,
      baseUrl: sandbox.record360.baseUrl,
    });
    const error = await token().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 401 });
    expect(JSON.stringify(error) + String(error)).not.toContain(password);
  });
});

describe("a transport you can watch", () => {
  it.each(PROVIDERS)("%s: a debug log of a whole chaos upload names every call and attempt, and no secret", async (provider) => {
    const chaotic = await startSandbox({
      ...secretSandboxOptions(),
      providers: [provider],
      chaos: { rate: 0.2, seed: 7, retryAfterSeconds: 0 },
    });
    try {
      const lines: string[] = [];
      const logger = {
        debug: (l: string) => lines.push(l),
        info: (l: string) => lines.push(l),
        warn: (l: string) => lines.push(l),
        error: (l: string) => lines.push(l),
      };
      const { path, bytes } = mp4(12 * MiB);
      const client = commonClient(provider, chaotic, { ...FAST, logger, logLevel: "debug" });
      const result = await client.uploadMedia(path, { ...COMMON, ...PLAN[provider] });
      expect(await chaotic.objectSha256(chaotic[provider].keyOf(result.id) as string)).toBe(sha256(bytes));
      expect(lines.some((l) => /\[uploadkit\] (api )?(GET|POST|PUT|PATCH) /.test(l) || /\[uploadkit\] api /.test(l))).toBe(true);
      if (provider !== "flowkiwi") expect(lines.some((l) => /\[uploadkit\] part \d+: PUT /.test(l))).toBe(true);
      expect(lines.every((l) => /in \d+ ms|retrying|resuming|answered 401|\[UPLOADKIT_/.test(l))).toBe(true);
      const secrets = secretsOf(chaotic)[provider] as string[];
      for (const line of lines) {
        for (const secret of secrets) expect(line).not.toContain(secret);
        expect(line).not.toMatch(/X-Amz-(Signature|Credential)=/i);
      }
    } finally {
      await chaotic.stop();
    }
  });

  it("UPLOADKIT_LOG=debug turns the log on without code; logLevel and the logger are checked", async () => {
    const lines: string[] = [];
    const logger = { debug: (l: string) => lines.push(l), info() {}, warn() {}, error() {} };
    process.env.UPLOADKIT_LOG = "debug";
    try {
      await commonClient("record360", sandbox, { ...FAST, logger }).uploadMedia(mp4(1024).path, COMMON);
    } finally {
      delete process.env.UPLOADKIT_LOG;
    }
    expect(lines.length).toBeGreaterThan(0);
    expect(() => commonClient("record360", sandbox, { logLevel: "loud" as never })).toThrow(/logLevel must be one of/);
    expect(() => commonClient("record360", sandbox, { logger: { debug() {} } as never })).toThrow(/logger must have/);
  });
});

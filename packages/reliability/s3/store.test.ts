// The end-to-end suite on a real S3 engine: every provider's uploadMedia through the sandbox, whose store is the
// engine in UPLOADKIT_S3_* (Ceph's radosgw when run by `pnpm test:s3`). The engine checks what s3rver does not —
// signatures, expiry, part sizes, ETags at complete — so these tests fail where a fake store would let us pass.
import { spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { fileURLToPath } from "node:url";
import { CreateMultipartUploadCommand, S3Client, UploadPartCommand } from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { createFanvueClient } from "@uploadkit/fanvue";
import { UploadkitError } from "@uploadkit/multipart";
import { createRecord360Client } from "@uploadkit/record360";
import { missingCephCommands, type S3Config, type Sandbox, s3ConfigFromEnv, scratchDir, startSandbox } from "@uploadkit/sandbox";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commonClient, PROVIDERS, type Provider } from "../test/support/clients.js";

const MiB = 1024 * 1024;
const engine = s3ConfigFromEnv();
if (!engine) throw new Error("This suite needs an S3 engine: run it with `pnpm test:s3` (or set UPLOADKIT_S3_ENDPOINT and co.).");
const s3: S3Config = engine;

const dir = scratchDir("s3-e2e", { onSignal: true });
const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");
const FAST = { retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5 } };
const MP4_HEAD = Buffer.from("0000001c667479706d703432000000006d703432697336366d703431", "hex");

/** An MP4-looking file of `size` random bytes, on disk. */
function mediaFile(name: string, size: number): { path: string; bytes: Buffer } {
  const bytes = Buffer.concat([MP4_HEAD, randomBytes(size - MP4_HEAD.length)]);
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return { path, bytes };
}

/** `bytes` as a stream that waits `pauseMs` before each MiB: a slow source, so presigned URLs age on the way. */
function slowStream(bytes: Buffer, pauseMs: number) {
  async function* chunks() {
    for (let offset = 0; offset < bytes.length; offset += MiB) {
      await new Promise((resolve) => setTimeout(resolve, pauseMs));
      yield bytes.subarray(offset, offset + MiB);
    }
  }
  return { stream: Readable.from(chunks()), size: bytes.length, filename: "clip.mp4", contentType: "video/mp4" };
}

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ s3, fanvue: { processingMs: 0 } });
});
afterAll(async () => {
  await sandbox?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const storedSha = (provider: Provider, id: string) => sandbox.objectSha256(sandbox[provider].keyOf(id) as string);

/** Per provider, the shapes that matter to the store: one part, several parts with a last part under 5 MiB, the most parts. */
const SHAPES: Record<Provider, { name: string; size: number; options: Record<string, unknown>; parts?: number }[]> = {
  fanvue: [
    { name: "one part", size: 1 * MiB, options: {}, parts: 1 },
    { name: "3 parts, last 2 MiB", size: 12 * MiB, options: { partSize: 5 * MiB }, parts: 3 },
  ],
  ofauth: [
    { name: "one PUT", size: 1 * MiB, options: {} },
    { name: "3 parts, last 2 MiB", size: 12 * MiB, options: {}, parts: 3 },
  ],
  record360: [
    { name: "one part", size: 1 * MiB, options: { partCount: 1 }, parts: 1 },
    { name: "3 parts, last 2 MiB", size: 12 * MiB, options: { partSize: 5 * MiB }, parts: 3 },
    { name: "20 parts (its most), last 1 MiB", size: 96 * MiB, options: { partSize: 5 * MiB }, parts: 20 },
  ],
  flowkiwi: [
    { name: "small", size: 1 * MiB, options: {} },
    { name: "12 MiB", size: 12 * MiB, options: {} },
  ],
};

describe.each(PROVIDERS)("%s on a real S3 engine", (provider) => {
  it.each(SHAPES[provider])("uploads $name and the engine holds the same bytes", async ({ name, size, options, parts }) => {
    const file = mediaFile(`${provider}-${name.replace(/\W+/g, "-")}.mp4`, size);
    const storePutsBefore = storePuts();
    const result = await commonClient(provider, sandbox, FAST).uploadMedia(file.path, {
      filename: "clip.mp4",
      contentType: "video/mp4",
      ...options,
    });
    expect(result.size).toBe(size);
    expect(await storedSha(provider, result.id)).toBe(sha256(file.bytes));
    if (parts !== undefined && provider !== "ofauth") expect(storePuts() - storePutsBefore).toBe(parts);
  });
});

const storePuts = () => sandbox.requests.filter((r) => r.server === "store" && r.method === "PUT").length;

describe("presigned URLs under the engine's own rules", () => {
  const partUrlRequests = (box: Sandbox) => box.requests.filter((r) => r.server === "fanvue" && r.url.endsWith("/url")).length;

  it("Fanvue: a part URL fetched ahead that aged past its expiry is asked for again before use", async () => {
    const { bytes } = mediaFile("fanvue-aged.mp4", 11 * MiB);
    const expiring = await startSandbox({ s3, providers: ["fanvue"], fanvue: { processingMs: 0, partUrlExpiresInSeconds: 2 } });
    try {
      const client = createFanvueClient({ ...FAST, token: expiring.fanvue.credentials.token, baseUrl: expiring.fanvue.baseUrl });
      // One part at a time from a source that takes ~2.5 s per part: the next part's URL, fetched ahead, is stale when used.
      const result = await client.uploadMedia(slowStream(bytes, 500), { partSize: 5 * MiB, concurrency: 1 });
      expect(partUrlRequests(expiring)).toBeGreaterThan(3);
      expect(expiring.requests.filter((r) => r.server === "store" && r.status === 403)).toHaveLength(0);
      expect(await expiring.objectSha256(expiring.fanvue.keyOf(result.mediaUuid) as string)).toBe(sha256(bytes));
    } finally {
      await expiring.stop();
    }
  });

  it("Fanvue: a part URL the engine refuses as expired (403 AccessDenied) is asked for again, and the upload completes", async () => {
    const { path, bytes } = mediaFile("fanvue-refused.mp4", 11 * MiB);
    const expiring = await startSandbox({ s3, providers: ["fanvue"], fanvue: { processingMs: 0, partUrlExpiresInSeconds: 2 } });
    try {
      // Each part's first PUT is held back 3 s after its URL was handed over — a slow network — so the engine, not
      // the client's clock, is the one that finds the URL expired.
      const held = new Set<string>();
      const slowNetwork: typeof fetch = async (input, init) => {
        const url = String(input instanceof Request ? input.url : input);
        const part = /partNumber=(\d+)/.exec(url)?.[1];
        if (init?.method === "PUT" && part && !held.has(part)) {
          held.add(part);
          await new Promise((resolve) => setTimeout(resolve, 3000));
        }
        return fetch(input, init);
      };
      const client = createFanvueClient({
        ...FAST,
        fetch: slowNetwork,
        token: expiring.fanvue.credentials.token,
        baseUrl: expiring.fanvue.baseUrl,
      });
      const result = await client.uploadMedia(path, { partSize: 5 * MiB, concurrency: 3 });
      expect(expiring.requests.filter((r) => r.server === "store" && r.status === 403)).toHaveLength(3);
      // Three URLs, and at least one fresh URL per refusal (a retry may renew a 2-second URL once more).
      expect(partUrlRequests(expiring)).toBeGreaterThanOrEqual(6);
      expect(await expiring.objectSha256(expiring.fanvue.keyOf(result.mediaUuid) as string)).toBe(sha256(bytes));
    } finally {
      await expiring.stop();
    }
  });

  it("Record360: an expired part URL (it cannot be asked for again) is reported with the engine's code, and nothing completes", async () => {
    const { bytes } = mediaFile("record360-expiry.mp4", 11 * MiB);
    const expiring = await startSandbox({ s3, providers: ["record360"], record360: { partUrlExpiresInSeconds: 1 } });
    try {
      const client = createRecord360Client({
        ...FAST,
        token: expiring.record360.credentials.token,
        baseUrl: expiring.record360.baseUrl,
      });
      const error = await client
        .uploadMedia(slowStream(bytes, 500), { partSize: 5 * MiB, concurrency: 1 })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UploadkitError);
      expect(String((error as UploadkitError).message)).toMatch(/AccessDenied|expired/i);
      expect(expiring.requests.some((r) => r.server === "record360" && r.url.includes("multipart_upload_complete"))).toBe(false);
    } finally {
      await expiring.stop();
    }
  });

  it("Record360: a tampered part URL is reported as the engine's SignatureDoesNotMatch, without the signature", async () => {
    const { path } = mediaFile("record360-tampered.mp4", 6 * MiB);
    let signature = "";
    // The provider's answer altered on the way: one character of each part URL's signature flipped.
    const tampering: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      if (!String(input instanceof Request ? input.url : input).includes("multipart_upload_start")) return response;
      const body = (await response.json()) as { presigned_urls: string[] };
      body.presigned_urls = body.presigned_urls.map((url) => {
        const parsed = new URL(url);
        signature = parsed.searchParams.get("X-Amz-Signature") as string;
        parsed.searchParams.set(
          "X-Amz-Signature",
          signature.replace(/^./, (c) => (c === "0" ? "1" : "0")),
        );
        return parsed.toString();
      });
      return new Response(JSON.stringify(body), { status: response.status, headers: response.headers });
    };
    const client = createRecord360Client({
      ...FAST,
      fetch: tampering,
      token: sandbox.record360.credentials.token,
      baseUrl: sandbox.record360.baseUrl,
    });
    const error = await client.uploadMedia(path, { partSize: 5 * MiB }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UploadkitError);
    const text = `${(error as Error).message} ${JSON.stringify(error)}`;
    expect(text).toMatch(/SignatureDoesNotMatch/);
    expect(signature.length).toBeGreaterThan(0);
    expect(text).not.toContain(signature.slice(1));
  });
});

describe("resume after a kill", () => {
  it.each(["fanvue", "record360"] as const)(
    "%s: a process killed mid-upload is resumed from its checkpoint; finished parts are not sent again",
    async (provider) => {
      const { path, bytes } = mediaFile(`${provider}-resume.mp4`, 31 * MiB);
      const checkpoint = join(dir, `${provider}.checkpoint.json`);
      const script = fileURLToPath(new URL("./support/upload-until-killed.mjs", import.meta.url));
      const { baseUrl, credentials } = sandbox[provider];
      const child = spawn(process.execPath, [script, provider, path, checkpoint, baseUrl, credentials.token], {
        stdio: "ignore",
      });
      const exited = new Promise((resolve) => child.on("exit", resolve));
      const savedParts = () =>
        existsSync(checkpoint) ? (JSON.parse(readFileSync(checkpoint, "utf8")) as { parts: unknown[] }).parts.length : 0;
      while (savedParts() < 2) {
        if (child.exitCode !== null) throw new Error(`the child exited (${child.exitCode}) before it could be killed`);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      child.kill("SIGKILL");
      await exited;
      const saved = savedParts();
      const before = storePuts();
      const result = await commonClient(provider, sandbox, FAST).uploadMedia(path, {
        checkpoint,
        partSize: 5 * MiB,
        filename: "clip.mp4",
        contentType: "video/mp4",
      });
      expect(storePuts() - before).toBe(7 - saved);
      expect(await storedSha(provider, result.id)).toBe(sha256(bytes));
      expect(existsSync(checkpoint)).toBe(false);
    },
  );
});

describe("the engine enforces what s3rver does not (so the suite above means something)", () => {
  const client = new S3Client({
    endpoint: s3.endpoint,
    region: s3.region,
    forcePathStyle: true,
    credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
  });
  afterAll(() => client.destroy());
  const presignedPart = async (expiresIn: number) => {
    const key = `rules/${crypto.randomUUID()}`;
    const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: s3.bucket, Key: key }));
    return getSignedUrl(client, new UploadPartCommand({ Bucket: s3.bucket, Key: key, UploadId, PartNumber: 1 }), {
      expiresIn,
    });
  };
  const put = async (url: string) => {
    const response = await fetch(url, { method: "PUT", body: new Uint8Array(16) });
    return { status: response.status, body: await response.text() };
  };

  it("refuses a presigned URL whose signature was altered", async () => {
    const url = new URL(await presignedPart(600));
    const signature = url.searchParams.get("X-Amz-Signature") as string;
    url.searchParams.set(
      "X-Amz-Signature",
      signature.replace(/^./, (c) => (c === "0" ? "1" : "0")),
    );
    const answer = await put(url.toString());
    expect(answer.status).toBe(403);
    expect(answer.body).toContain("SignatureDoesNotMatch");
  });

  it("refuses a presigned URL after its expiry", async () => {
    const url = await presignedPart(1);
    await new Promise((resolve) => setTimeout(resolve, 2100));
    const answer = await put(url);
    expect(answer.status).toBe(403);
    expect(answer.body).toContain("AccessDenied");
  });
});

describe("pnpm sandbox --store ceph", () => {
  it.skipIf(missingCephCommands().length > 0)(
    "starts the fakes over a local Ceph, stores through it, and leaves no daemon and no folder after Ctrl-C",
    async () => {
      const cli = fileURLToPath(new URL("../../sandbox/dist/cli.js", import.meta.url));
      const ports = ["fanvue", "ofauth", "record360", "flowkiwi", "store", "s3"].flatMap((name) => [`--port-${name}`, "0"]);
      const child = spawn(process.execPath, [cli, "--store", "ceph", "--providers", "record360", ...ports], {
        stdio: ["ignore", "pipe", "pipe"],
      });
      let output = "";
      child.stdout.on("data", (chunk: Buffer) => {
        output += chunk.toString();
      });
      child.stderr.on("data", (chunk: Buffer) => {
        output += chunk.toString();
      });
      const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
      while (!output.includes("Ctrl-C to stop")) {
        if (child.exitCode !== null) throw new Error(`sandbox exited: ${output}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const baseUrl = /record360\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1] as string;
      const token = /RECORD360_TOKEN=(\S+)/.exec(output)?.[1] as string;
      const { path, bytes } = mediaFile("cli-ceph.mp4", 6 * MiB);
      const result = await createRecord360Client({ ...FAST, token, baseUrl }).uploadMedia(path, { partSize: 5 * MiB });
      expect(result.size).toBe(bytes.length);
      // The object's ETag, as the engine computed it over two parts, is what Record360's complete reported.
      expect(result.etag).toMatch(/-2"?$/);
      const daemons = childPidsOf(child.pid as number);
      expect(daemons.length).toBe(3);
      child.kill("SIGINT");
      expect(await exited).toBe(0);
      expect(daemons.filter(isRunning)).toEqual([]);
      expect(readdirSync(tmpdir()).filter((name) => name.startsWith(`uploadkit-ceph-${child.pid}-`))).toEqual([]);
    },
  );
});

function childPidsOf(pid: number): number[] {
  return readdirSync("/proc")
    .filter((name) => /^\d+$/.test(name))
    .filter((name) => {
      try {
        return readFileSync(`/proc/${name}/stat`, "utf8").split(") ")[1]?.split(" ")[1] === String(pid);
      } catch {
        return false;
      }
    })
    .map(Number);
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.startsWith("Z");
  } catch {
    return false;
  }
}

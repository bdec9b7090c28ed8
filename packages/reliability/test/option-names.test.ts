// Options as a JavaScript caller really gives them — misspelt, of the wrong kind, not an object at all — through all
// four providers' public API against the sandbox: each is an InputError naming what to change, before any call, and
// in uploadMany it fails its own file only. The names a provider adds are taken, and upload as they should.
import { randomBytes, randomUUID } from "node:crypto";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { InputError, type UploadManyOutcome, type UploadResultCore, uploadThroughServer } from "@uploadkit/multipart";
import { type Sandbox, scratchDir, startSandbox } from "@uploadkit/sandbox";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commonClient, PROVIDERS, type Provider } from "./support/clients.js";
import { MP4_HEAD } from "./support/fixtures.js";
import { COMMON, sha256 } from "./support/sandbox-helpers.js";

const MiB = 1024 * 1024;
const FAST = { retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 5 } };
const dir = scratchDir("option-names", { onSignal: true });

/** An option only this provider takes, with a value of the wrong kind, and what the error says. */
const OWN_OPTION_MISTYPED: Record<Provider, [Record<string, unknown>, RegExp]> = {
  fanvue: [{ name: 5 }, /^name must be a non-empty string, got 5\.$/],
  ofauth: [{ skipIfExists: "yes" }, /^skipIfExists must be true or false, got a string\.$/],
  record360: [{ fileId: 7 }, /^fileId must be a non-empty string, got 7\.$/],
  flowkiwi: [{ verifyHash: "no" }, /^verifyHash must be true or false, got a string\.$/],
};

/** An option only this provider takes, with a value that uploads. */
const OWN_OPTION: Record<Provider, () => Record<string, unknown>> = {
  fanvue: () => ({ name: "A clip", partSize: 5 * MiB }),
  ofauth: () => ({ skipIfExists: false }),
  record360: () => ({ fileId: randomUUID(), partCount: 2 }),
  flowkiwi: () => ({ verifyHash: true }),
};

let sandbox: Sandbox;
let bytes: Buffer;
let path: string;
beforeAll(async () => {
  sandbox = await startSandbox({ fanvue: { processingMs: 0 } });
  bytes = Buffer.concat([MP4_HEAD, randomBytes(11 * MiB - MP4_HEAD.length)]);
  path = join(dir, "clip.mp4");
  writeFileSync(path, bytes);
});
afterAll(async () => {
  await sandbox?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const requestsTo = (provider: Provider) => sandbox.requests.filter((request) => request.server === provider).length;
const storedSha = (provider: Provider, id: string) => sandbox.objectSha256(sandbox[provider].keyOf(id) as string);

async function refusal(call: () => Promise<unknown>): Promise<InputError> {
  const error = await call().then(
    () => new Error("was not refused"),
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(InputError);
  return error as InputError;
}

describe.each(PROVIDERS)("%s: options a caller gets wrong", (provider) => {
  const client = (transport = {}) => commonClient(provider, sandbox, { ...FAST, ...transport });

  it("uploadMedia refuses a misspelt name and options that are no object, naming them, before any call", async () => {
    const before = requestsTo(provider);
    for (const [options, code, named] of [
      [
        { ...COMMON, checkpiont: join(dir, "typo.json") },
        "INPUT_UNKNOWN_OPTION",
        /unknown option checkpiont; the options are signal, /,
      ],
      [{ ...COMMON, onprogress: () => {} }, "INPUT_UNKNOWN_OPTION", /unknown option onprogress/],
      [5, "INPUT_INVALID", /upload options must be an object, got 5\./],
      [null, "INPUT_INVALID", /must be an object, got null\./],
      [[COMMON], "INPUT_INVALID", /must be an object, got an array\./],
      ["fast", "INPUT_INVALID", /must be an object, got a string\./],
      [{ ...COMMON, onProgress: "log" }, "INPUT_INVALID", /^onProgress must be a function, got a string\.$/],
      [{ ...COMMON, signal: { aborted: false } }, "INPUT_INVALID", /^signal must be an AbortSignal, got an object\.$/],
    ] as const) {
      const error = await refusal(() => client().uploadMedia(path, options as never));
      expect(error, JSON.stringify(options)).toMatchObject({ code, message: expect.stringMatching(named) });
    }
    const [mistyped, said] = OWN_OPTION_MISTYPED[provider];
    const wrongKind = await refusal(() => client().uploadMedia(path, { ...COMMON, ...mistyped } as never));
    expect(wrongKind.message).toMatch(said);
    // The name another provider takes is unknown to this one.
    const foreign = provider === "fanvue" ? { verifyHash: true } : { mediaType: "video" };
    const error = await refusal(() => client().uploadMedia(path, { ...COMMON, ...foreign } as never));
    expect(error.message).toContain(`unknown option ${Object.keys(foreign)[0]}`);
    expect(requestsTo(provider)).toBe(before);
  });

  it("uploadMedia takes this provider's own option names (and any name given as undefined), and uploads the bytes", async () => {
    // Another provider's option given as undefined sets nothing: an options object built for several providers.
    const unset = provider === "flowkiwi" ? { mediaType: undefined } : { verifyHash: undefined };
    const result = await client().uploadMedia(path, { ...COMMON, ...OWN_OPTION[provider](), ...unset } as never);
    expect(await storedSha(provider, result.id)).toBe(sha256(bytes));
  });

  it("uploadMany refuses its own bad options before any call, and a bad item's options fail that file alone", async () => {
    const before = requestsTo(provider);
    const partSize = await refusal(() => client().uploadMany([path], { partSize: 5 * MiB } as never));
    expect(partSize).toMatchObject({ code: "INPUT_UNKNOWN_OPTION" });
    expect(partSize.message).toMatch(/unknown option partSize; .* A file's own upload options go with it: \{ input, options/);
    for (const options of [null, 5, { filesConcurrency: "2" }, { onFileDone: true }, { signal: "stop" }]) {
      await refusal(() => client().uploadMany([path], options as never));
    }
    expect(requestsTo(provider)).toBe(before);

    const outcomes = (await client().uploadMany(
      [
        { input: path, options: { ...COMMON, checkpiont: "typo.json" } },
        { input: path, options: { ...COMMON, signal: "stop" } },
        { input: path, options: { ...COMMON, ...OWN_OPTION[provider]() } },
      ] as never,
      { filesConcurrency: 3 },
    )) as UploadManyOutcome<UploadResultCore>[];
    expect(outcomes[0]).toMatchObject({ ok: false, error: { code: "INPUT_UNKNOWN_OPTION" } });
    expect(outcomes[1]).toMatchObject({ ok: false, error: { code: "INPUT_INVALID", message: expect.stringMatching(/^signal/) } });
    const stored = outcomes[2];
    expect(stored?.ok).toBe(true);
    if (stored?.ok) expect(await storedSha(provider, stored.result.id)).toBe(sha256(bytes));
  });

  it("refuses client options of the wrong kind or an unknown name when the client is made", () => {
    for (const [transport, named] of [
      [{ checksum: "no" }, /^checksum must be true or false, got a string\.$/],
      [{ onRetry: 5 }, /^onRetry must be a function, got 5\.$/],
      [{ dispatcher: {} }, /^dispatcher must be an undici Dispatcher/],
      [{ rateLimit: 5 }, /^rateLimit must be an object, got 5\.$/],
      [{ rateLimit: true }, /^rateLimit must be an object, got true\.$/],
      [
        { rateLimit: { maxCallsPerSeconds: 5 } },
        /^rateLimit: unknown option maxCallsPerSeconds; the options are maxCallsPerSecond, /,
      ],
      [{ rateLimit: { maxCallsPerSecond: 0 } }, /^rateLimit\.maxCallsPerSecond must be a number > 0, got 0\.$/],
      [{ rateLimit: { maxRefusals: -1 } }, /^rateLimit\.maxRefusals must be a whole number ≥ 0, got -1\.$/],
      [{ rateLimit: { limiter: {} } }, /^rateLimit\.limiter must be a CallRateLimiter/],
      [{ retry: { maxAttempts: 0 } }, /^retry\.maxAttempts must be a whole number ≥ 1, got 0\.$/],
      // openai-node's spelling: ignored, it would have sent the uploads to the provider's default API.
      [{ baseURL: "http://127.0.0.1:9" }, /^create\w+Client's options: unknown option baseURL; the options are retry, .*baseUrl/],
      [{ timeoutMS: 5 }, /unknown option timeoutMS/],
    ] as const) {
      let error: unknown;
      try {
        client(transport as never);
      } catch (caught) {
        error = caught;
      }
      expect(error, JSON.stringify(transport)).toBeInstanceOf(InputError);
      expect((error as Error).message).toMatch(named);
    }
  });
});

/** The credential options each provider's client takes (a string, or a function that gives one). */
const CREDENTIAL_NAMES: Record<Provider, string[]> = {
  fanvue: ["token"],
  ofauth: ["apiKey", "connectionId"],
  record360: ["token"],
  flowkiwi: ["token"],
};

describe.each(PROVIDERS)("%s: credentials a caller gets wrong", (provider) => {
  const made = (credentials: Record<string, unknown>): unknown => {
    try {
      commonClient(provider, sandbox, FAST, undefined, credentials);
      return undefined;
    } catch (caught) {
      return caught;
    }
  };

  it("a credential that is no string or function is an InputError naming it, never sent; none at all a TypeError", () => {
    for (const name of CREDENTIAL_NAMES[provider]) {
      for (const [value, said] of [
        [5, "5"],
        [{ token: "t" }, "an object"],
        [true, "true"],
        [["t"], "an array"],
      ] as const) {
        const error = made({ [name]: value });
        expect(error, `${name}: ${JSON.stringify(value)}`).toBeInstanceOf(InputError);
        expect(error).toMatchObject({
          code: "INPUT_INVALID",
          message: `${name} must be a string or a function, got ${said}.`,
        });
      }
      for (const missing of [undefined, ""]) {
        const error = made({ [name]: missing });
        expect(error, `${name}: ${JSON.stringify(missing)}`).toBeInstanceOf(TypeError);
        expect((error as Error).message).toContain(`${name} is required`);
      }
    }
    if (provider === "flowkiwi") {
      expect(made({ organizationId: 42 })).toMatchObject({
        code: "INPUT_INVALID",
        message: expect.stringMatching(/^organizationId must be a string, got 42\.$/),
      });
      expect(made({ tenant: 7, baseUrl: undefined })).toMatchObject({
        code: "INPUT_INVALID",
        message: expect.stringMatching(/^tenant must be a string, got 7\.$/),
      });
    }
    expect(made({ [CREDENTIAL_NAMES[provider][0] as string]: async () => "a-token" })).toBeUndefined();
  });
});

describe("uploadThroughServer", () => {
  it("refuses options that are no object, or no endpoint, before any call", async () => {
    const before = sandbox.requests.length;
    for (const options of [undefined, null, 5, {}]) {
      const error = await refusal(() => uploadThroughServer(new Uint8Array(8), options as never));
      expect(error.message).toMatch(/uploadThroughServer's options must be an object|endpoint/);
    }
    const typo = await refusal(() =>
      uploadThroughServer(new Uint8Array(8), { endpoint: "http://127.0.0.1:9/uploads", endpiont: "x" } as never),
    );
    expect(typo).toMatchObject({ code: "INPUT_UNKNOWN_OPTION", message: expect.stringMatching(/unknown option endpiont/) });
    expect(sandbox.requests.length).toBe(before);
  });
});

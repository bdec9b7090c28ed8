// The bad-input table: each case is an input or option a careless caller gives, the typed error (and message) it
// must get, and the calls that must not have been made. bad-inputs.test.ts runs it against the sandbox.
import { randomBytes } from "node:crypto";
import { appendFileSync, truncateSync } from "node:fs";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pathToFileURL } from "node:url";
import type { createFanvueClient } from "@uploadkit/fanvue";
import type { createFlowkiwiClient } from "@uploadkit/flowkiwi";
import { ApiError, InputError, PartUploadError, SourceChangedError, UploadkitError } from "@uploadkit/multipart";
import type { createOfauthClient } from "@uploadkit/ofauth";
import type { createRecord360Client } from "@uploadkit/record360";
import type { Sandbox } from "@uploadkit/sandbox";
import { expect } from "vitest";
import { PROVIDERS, type Provider, type uploader } from "./clients.js";
import { type startProxy, withProxy } from "./proxy.js";

import { dir, file, MiB } from "./reliability-harness.js";
export interface BadInputCase {
  name: string;
  provider: Provider;
  run: (sandbox: Sandbox) => Promise<unknown>;
  /** The error class expected, or null when the call must succeed despite the input. */
  error: (abstract new (...args: never[]) => Error) | null;
  message?: RegExp;
  /** Calls to these paths must not have happened (create/complete on client-side rejection). */
  noCall?: RegExp;
}

/** What the cases call: the clients of the running sandbox and the paths no rejected input may reach. */
export interface BadInputKit {
  readonly sandbox: Sandbox;
  up: (provider: Provider, transport?: object) => ReturnType<typeof uploader>;
  fanvue: (overrides?: Record<string, unknown>) => ReturnType<typeof createFanvueClient>;
  record360: (overrides?: Record<string, unknown>) => ReturnType<typeof createRecord360Client>;
  ofauth: (overrides?: Record<string, unknown>) => ReturnType<typeof createOfauthClient>;
  flowkiwi: (overrides?: Record<string, unknown>) => ReturnType<typeof createFlowkiwiClient>;
  throughStoreProxy: (storeProxy: Parameters<typeof startProxy>[0], name: string) => Promise<unknown>;
  CREATE_OR_COMPLETE: RegExp;
  COMPLETE: RegExp;
}

/** Every bad-input case (at least 30). */
export function badInputCases(kit: BadInputKit): BadInputCase[] {
  const { up, fanvue, record360, ofauth, flowkiwi, throughStoreProxy, CREATE_OR_COMPLETE, COMPLETE } = kit;
  return [
    ...PROVIDERS.map(
      (provider): BadInputCase => ({
        name: `${provider}: missing file`,
        provider,
        run: () => up(provider)(join(dir, "does-not-exist.mp4")),
        error: InputError,
        message: /File not found: .*does-not-exist\.mp4/,
        noCall: CREATE_OR_COMPLETE,
      }),
    ),
    ...PROVIDERS.map(
      (provider): BadInputCase => ({
        name: `${provider}: 0-byte file`,
        provider,
        run: () => up(provider)(file(`${provider}-empty.mp4`, 0).path),
        error: InputError,
        message: /is empty \(0 bytes\)/,
        noCall: CREATE_OR_COMPLETE,
      }),
    ),
    {
      name: "fanvue: a directory",
      provider: "fanvue",
      run: () => up("fanvue")(dir),
      error: InputError,
      message: /is a directory/,
      noCall: CREATE_OR_COMPLETE,
    },
    {
      name: "ofauth: a file: URL that does not exist",
      provider: "ofauth",
      run: () => up("ofauth")(pathToFileURL(join(dir, "gone.mp4"))),
      error: InputError,
      message: /File not found/,
      noCall: CREATE_OR_COMPLETE,
    },
    {
      name: "fanvue: a file that grows during the upload",
      provider: "fanvue",
      run: () => {
        const { path } = file("grows.mp4", 11 * MiB);
        let grown = false;
        return fanvue().uploadMedia(path, {
          onProgress: () => {
            if (!grown) appendFileSync(path, "more");
            grown = true;
          },
        });
      },
      error: SourceChangedError,
      message: /changed during the upload/,
      noCall: COMPLETE,
    },
    {
      name: "record360: a file that shrinks during the upload",
      provider: "record360",
      run: () => {
        const { path } = file("shrinks.mp4", 12 * MiB);
        let shrunk = false;
        return record360().uploadMedia(path, {
          partCount: 2,
          concurrency: 1,
          onProgress: () => {
            if (!shrunk) truncateSync(path, 7 * MiB);
            shrunk = true;
          },
        });
      },
      error: SourceChangedError,
      message: /changed during the upload/,
      noCall: COMPLETE,
    },
    {
      name: "record360: a stream shorter than its declared size",
      provider: "record360",
      run: () =>
        record360().uploadMedia({ stream: Readable.from([randomBytes(1000)]), size: 2000 }, { contentType: "video/mp4" }),
      error: InputError,
      message: /ended after 1000 bytes, but its declared size is 2000/,
      noCall: COMPLETE,
    },
    {
      name: "fanvue: a stream longer than its declared size",
      provider: "fanvue",
      run: () => fanvue().uploadMedia({ stream: Readable.from([randomBytes(3000)]), size: 2000, filename: "s.bin" }),
      error: InputError,
      message: /more bytes than its declared size of 2000/,
      noCall: COMPLETE,
    },
    {
      name: "fanvue: a filename longer than 255 characters",
      provider: "fanvue",
      run: () => fanvue().uploadMedia(Buffer.from("x"), { filename: `${"a".repeat(256)}.jpg` }),
      error: InputError,
      message: /filename must be 1 to 255 characters, got 260/,
      noCall: CREATE_OR_COMPLETE,
    },
    {
      name: "fanvue: a negative partSize",
      provider: "fanvue",
      run: () => fanvue().uploadMedia(Buffer.from("x"), { partSize: -5 }),
      error: InputError,
      message: /partSize must be a whole number ≥ 1, got -5/,
      noCall: CREATE_OR_COMPLETE,
    },
    {
      name: "fanvue: a zero partSize",
      provider: "fanvue",
      run: () => fanvue().uploadMedia(Buffer.from("x"), { partSize: 0 }),
      error: InputError,
      message: /partSize must be a whole number ≥ 1, got 0/,
      noCall: CREATE_OR_COMPLETE,
    },
    {
      name: "ofauth: concurrency 0",
      provider: "ofauth",
      run: () => ofauth().uploadMedia(Buffer.from("x"), { filename: "x.jpg", concurrency: 0 }),
      error: InputError,
      message: /concurrency must be a whole number ≥ 1, got 0/,
      noCall: COMPLETE,
    },
    {
      name: "record360: partCount 21",
      provider: "record360",
      run: () => record360().uploadMedia(file("r21.mp4", 200 * MiB).path, { partCount: 21 }),
      error: InputError,
      message: /cannot be split into 21 parts.*at most 20 parts/,
      noCall: CREATE_OR_COMPLETE,
    },
    {
      name: "record360: a disallowed MIME type",
      provider: "record360",
      run: () => record360().uploadMedia(Buffer.from("%PDF-1.7"), { contentType: "application/pdf" }),
      error: InputError,
      message: /does not accept application\/pdf/,
      noCall: CREATE_OR_COMPLETE,
    },
    {
      name: "record360: a file too large for 20 parts",
      provider: "record360",
      run: () =>
        record360().uploadMedia(
          { stream: Readable.from([]), size: 101 * 1024 * MiB, filename: "huge.mp4" },
          { contentType: "video/mp4" },
        ),
      error: InputError,
      message: /cannot be split into 20 parts/,
      noCall: CREATE_OR_COMPLETE,
    },
    {
      name: "flowkiwi: a 6 MB image",
      provider: "flowkiwi",
      run: () => flowkiwi().uploadMedia(Buffer.alloc(6_000_000), { filename: "big.jpg", contentType: "image/jpeg" }),
      error: InputError,
      message: /is 6 MB \(image\/jpeg\); Flowkiwi accepts non-video files up to 5 MB/,
      noCall: CREATE_OR_COMPLETE,
    },
    {
      name: "flowkiwi: a 101 MB video",
      provider: "flowkiwi",
      run: () =>
        flowkiwi().uploadMedia({ stream: Readable.from([]), size: 101_000_000, filename: "long.mp4", contentType: "video/mp4" }),
      error: InputError,
      message: /is 101 MB \(video\/mp4\); Flowkiwi accepts videos up to 100 MB/,
      noCall: CREATE_OR_COMPLETE,
    },
    {
      name: "fanvue: a wrong token (401)",
      provider: "fanvue",
      run: () => fanvue({ token: "not-the-token" }).uploadMedia(Buffer.from("x"), { filename: "x.jpg" }),
      error: ApiError,
      message: /failed with 401: Unauthorized/,
      noCall: COMPLETE,
    },
    {
      name: "flowkiwi: a wrong organisation (403)",
      provider: "flowkiwi",
      run: () => flowkiwi({ organizationId: "org_someone_else" }).uploadMedia(Buffer.from("x"), { filename: "x.txt" }),
      error: ApiError,
      message: /403.*missing permissions: identity:organization:access/,
    },
    {
      name: "fanvue: a retired API version (410) names nextVersion",
      provider: "fanvue",
      run: () => fanvue({ apiVersion: "2024-01-01" }).uploadMedia(Buffer.from("x"), { filename: "x.jpg" }),
      error: ApiError,
      message: /set apiVersion: "2025-06-26"/,
      noCall: COMPLETE,
    },
    {
      name: "fanvue: a malformed JSON body",
      provider: "fanvue",
      run: () =>
        withProxy(
          {
            target: kit.sandbox.fanvue.baseUrl,
            intercept: () => ({ status: 200, headers: { "content-type": "application/json" }, body: '{"mediaUuid": "d4e5' }),
          },
          (origin) => fanvue({ baseUrl: origin }).uploadMedia(Buffer.from("x"), { filename: "x.jpg" }),
        ),
      error: UploadkitError,
      message: /malformed JSON body/,
    },
    {
      name: "ofauth: an HTML error page",
      provider: "ofauth",
      run: () =>
        withProxy(
          {
            target: kit.sandbox.ofauth.baseUrl,
            intercept: () => ({
              status: 502,
              headers: { "content-type": "text/html" },
              body: "<html><h1>502 Bad Gateway</h1></html>",
            }),
          },
          (origin) => ofauth({ baseUrl: origin }).uploadMedia(Buffer.from("x"), { filename: "x.jpg" }),
        ),
      error: ApiError,
      message: /502.*an HTML or XML page instead of the expected response/,
    },
    {
      name: "record360: a 5 MB error body is read bounded",
      provider: "record360",
      run: async () => {
        const error = await withProxy(
          {
            target: kit.sandbox.record360.baseUrl,
            intercept: () => ({ status: 500, headers: { "content-type": "text/plain" }, body: "e".repeat(5 * MiB) }),
          },
          (origin) =>
            record360({ baseUrl: origin, retry: { maxAttempts: 1 } }).uploadMedia(Buffer.from("x"), { contentType: "image/png" }),
        ).catch((e: unknown) => e);
        expect(String((error as ApiError).body).length).toBeLessThanOrEqual(64 * 1024);
        throw error;
      },
      error: ApiError,
      message: /failed with 500/,
    },
    {
      name: "record360: fewer presigned URLs than parts",
      provider: "record360",
      run: () =>
        withProxy(
          {
            target: kit.sandbox.record360.baseUrl,
            rewriteJson: (path, body) =>
              path.includes("multipart_upload_start")
                ? { ...body, presigned_urls: (body.presigned_urls as string[]).slice(1) }
                : body,
          },
          (origin) => record360({ baseUrl: origin }).uploadMedia(file("few.mp4", 12 * MiB).path, { partCount: 2 }),
        ),
      error: UploadkitError,
      message: /returned 1 presigned URLs for 2 parts/,
      noCall: COMPLETE,
    },
    {
      name: "ofauth: a part URL on a foreign origin",
      provider: "ofauth",
      run: () =>
        withProxy(
          {
            target: kit.sandbox.ofauth.baseUrl,
            rewriteJson: (path, body) =>
              path.endsWith("/init") && Array.isArray(body.parts)
                ? {
                    ...body,
                    parts: (body.parts as { uploadUrl: string }[]).map((p) => ({
                      ...p,
                      uploadUrl: p.uploadUrl.replace(/^http:\/\/[^/]+/, "https://collector.invalid"),
                    })),
                  }
                : body,
          },
          (origin) => ofauth({ baseUrl: origin }).uploadMedia(file("foreign.mp4", 7 * MiB).path),
        ),
      error: UploadkitError,
      message: /sends parts to https:\/\/collector\.invalid.*refusing/,
      noCall: COMPLETE,
    },
    {
      name: "record360: a part response without ETag",
      provider: "record360",
      run: () => throughStoreProxy({ target: kit.sandbox.store.gatewayOrigin, dropHeaders: ["etag"] }, "noetag.mp4"),
      error: PartUploadError,
      message: /carries no ETag/,
      noCall: COMPLETE,
    },
    {
      name: "record360: a 3xx redirect on a part URL",
      provider: "record360",
      run: () =>
        throughStoreProxy(
          {
            target: kit.sandbox.store.gatewayOrigin,
            intercept: () => ({ status: 307, headers: { location: "http://127.0.0.1:9/x" } }),
          },
          "redirect.mp4",
        ),
      error: PartUploadError,
      message: /must not redirect/,
      noCall: COMPLETE,
    },
    {
      name: "fanvue: a server that never answers",
      provider: "fanvue",
      run: () =>
        withProxy({ target: kit.sandbox.fanvue.baseUrl, intercept: () => "hang" }, (origin) =>
          fanvue({ baseUrl: origin, timeoutMs: 300 }).uploadMedia(Buffer.from("x"), { filename: "x.jpg" }),
        ),
      error: UploadkitError,
      message: /no response within 300 ms/,
    },
    {
      name: "record360: Retry-After of one day fails at once, naming the wait, instead of being obeyed",
      provider: "record360",
      run: () =>
        withProxy(
          {
            target: kit.sandbox.record360.baseUrl,
            intercept: (_req, count) =>
              count === 1
                ? {
                    status: 429,
                    headers: { "retry-after": "86400", "content-type": "application/json" },
                    body: '{"errors":"slow down"}',
                  }
                : undefined,
          },
          (origin) => record360({ baseUrl: origin }).uploadMedia(Buffer.from("x"), { contentType: "image/png" }),
        ),
      error: ApiError,
      message: /asked to wait 1440 min .*longer than retry\.maxRetryAfterMs/,
    },
    {
      name: "ofauth: skipIfExists with a stream",
      provider: "ofauth",
      run: () =>
        ofauth().uploadMedia({ stream: Readable.from([Buffer.from("x")]), size: 1, filename: "x.jpg" }, { skipIfExists: true }),
      error: InputError,
      message: /needs an input that can be read twice/,
      noCall: CREATE_OR_COMPLETE,
    },
    {
      name: "fanvue: an unknown mediaType",
      provider: "fanvue",
      run: () => fanvue().uploadMedia(Buffer.from("x"), { mediaType: "gif" as never }),
      error: InputError,
      message: /mediaType must be one of image, video, audio, document/,
      noCall: CREATE_OR_COMPLETE,
    },
  ];
}

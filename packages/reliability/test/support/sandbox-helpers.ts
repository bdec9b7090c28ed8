import { createHash } from "node:crypto";
import type { UploadProgress } from "@uploadkit/multipart";
import type { Sandbox } from "@uploadkit/sandbox";
import { commonClient, type Provider } from "./clients.js";
import { completeCalls } from "./fixtures.js";

/** Fast, bounded retries and answers for suites whose servers misbehave on purpose. */
export const FAST = { retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5 }, timeoutMs: 2000, stallTimeoutMs: 2000 };
/** The upload options every provider takes for the suites' MP4 files. */
export const COMMON = { filename: "clip.mp4", contentType: "video/mp4" };
export const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");
export const md5 = (bytes: Uint8Array) => createHash("md5").update(bytes).digest("hex");

/** The options that make an upload send one part at a time and abort once a part is stored. */
export interface AbortAfterFirstPart {
  concurrency: 1;
  signal: AbortSignal;
  onProgress: (progress: UploadProgress) => void;
}

/**
 * Runs `start` with {@link AbortAfterFirstPart} spread into its upload options, and resolves with what the upload
 * threw (an AbortError, unless it failed otherwise): the checkpoint it leaves is what a resume starts from.
 */
export function abortedAfterFirstPart(start: (stop: AbortAfterFirstPart) => Promise<unknown>): Promise<unknown> {
  const controller = new AbortController();
  const stop: AbortAfterFirstPart = {
    concurrency: 1,
    signal: controller.signal,
    onProgress: (progress) => progress.partsDone >= 1 && controller.abort(),
  };
  return start(stop).catch((error: unknown) => error);
}

/** Helpers on the file's sandbox, read through `current` (it starts in the file's beforeAll). */
export function sandboxHelpers(current: () => Sandbox) {
  return {
    /** A provider's client on the sandbox (or on `baseUrl`, a proxy in front of it) with FAST retries. */
    client: (provider: Provider, transport = {}, baseUrl?: string) =>
      commonClient(provider, current(), { ...FAST, ...transport }, baseUrl),
    /** The SHA-256 of what the store holds for the provider's `id`. */
    storedSha: (provider: Provider, id: string) => current().objectSha256(current()[provider].keyOf(id) as string),
    /** How many complete calls the provider's fake has answered. */
    completes: (provider: Provider) => completeCalls(current(), provider),
  };
}

import type { DigestName } from "../http/byte-meter.js";
import type { SourceDigest } from "../sources/upload-source.js";
import type { PartResponse, PartTarget, TargetContext } from "../upload/part-target.js";
import type { CredentialSource } from "./credential-set.js";
import type { AttemptFailure } from "./retry-rules.js";
import type { ClientTransportOptions } from "./transport-options.js";

// What the transport is given and answers: its configuration, a body request and its verdicts, one attempt's result.

export interface TransportConfig extends ClientTransportOptions {
  /** The provider API's origin: the only one credentials are sent to. */
  apiOrigin?: string | undefined;
  /**
   * Credential headers (e.g. `Authorization`), added to API requests and to targets that ask for them. A value may be
   * a function (see CredentialSource): asked before each request, and once more after a 401.
   */
  credentials?: Record<string, CredentialSource> | undefined;
  /** Headers for every API call (e.g. an API version header). */
  headers?: Record<string, string> | undefined;
  /** More values to mask in every message and log line (e.g. a password sent in a body). */
  redact?: readonly string[] | undefined;
  /** Largest success body an API call may answer with. Default 16 MiB. */
  maxResponseBytes?: number | undefined;
}

/** The bytes a body request carries: the source's (metered and hashed), optionally framed. */
export interface RequestBody {
  /** How many source bytes; a source that gives more or fewer fails the request with a SourceChangedError. */
  size: number;
  /** How messages name the source. */
  description: string;
  /** A fresh stream of those bytes for each attempt. */
  open(): AsyncIterable<Uint8Array>;
  /**
   * Those bytes as a Blob, where the source has one: web runtimes send it as it is (read from disk by the browser,
   * not through script), with its digests from the source or read from the Blob apart.
   */
  blob?: (() => Blob) | undefined;
  /**
   * Those bytes as chunks whose buffers the source reuses (a chunk may change once the next is asked for), used
   * instead of `open` where given: no buffer per chunk to allocate and collect.
   */
  chunks?: (() => AsyncIterable<Uint8Array>) | undefined;
  /**
   * Starts a digest of those bytes computed by the source itself (a file range read again on a hashing worker), for
   * each attempt; undefined, or absent, and the bytes are hashed as they stream.
   */
  digest?: ((name: DigestName) => SourceDigest | undefined) | undefined;
  /** False for a stream that can be read once: a failed attempt then ends the upload instead of being retried. */
  reopenable?: boolean | undefined;
  /** Bytes sent before and after the source's (multipart/form-data framing). */
  head?: Uint8Array | undefined;
  tail?: Uint8Array | undefined;
}

/** A 2xx answer to a body request, read to at most `responseLimit` bytes. */
export interface SentAnswer extends PartResponse {
  /** Digest of the source bytes sent. */
  digest(name: DigestName): string | undefined;
}

/** What a body request makes of a 2xx answer: a value, another attempt, or a final error. */
export type Verdict<T> =
  | { value: T }
  | { retry: string; integrity?: { expected: string; actual: string } | undefined }
  /** Ends the request with this reason (a PartUploadError or an error naming the API call). */
  | { fail: string }
  | { error: Error };

export interface BodyRequest<T> {
  /** A part (events carry `partNumber`, failures are PartUploadErrors) or an API call (ApiErrors). */
  label: { partNumber: number } | { method: string; path: string };
  /** Where attempt n goes. A part target is asked again with `refresh` after a 403 (an expired presigned URL). */
  target(context: TargetContext): PartTarget | Promise<PartTarget>;
  body: RequestBody;
  digests?: readonly DigestName[] | undefined;
  /** The request has no further effect when repeated. Default: by method (PUT yes, POST no). */
  repeatable?: boolean | undefined;
  accept(answer: SentAnswer): Verdict<T>;
  /**
   * For a request that is not repeatable: after a failure the server may have acted on (a 5xx, a connection cut),
   * finds out whether it did — its result — or did not — send again. Without it such a failure ends the request.
   */
  settle?(): Promise<{ value: T } | "resend">;
  /** Default 64 KiB. */
  responseLimit?: number | undefined;
  progress?: { add(bytes: number): void; takeBack(bytes: number): void } | undefined;
  signal?: AbortSignal | undefined;
}

export type AttemptResult<T> =
  | { ok: true; value: T }
  | {
      ok: false;
      failure: AttemptFailure;
      reason: string;
      /**
       * False: this failure ends the request, whatever the rules say. True: the answer's verdict asked for another
       * attempt (a 2xx that did not hold what it should), which a repeatable request gets.
       */
      retryable?: boolean | undefined;
      refreshTarget?: boolean | undefined;
      integrity?: { expected: string; actual: string } | undefined;
      answer?: { status: number; headers: Headers; text: string } | undefined;
      retryAfterMs?: number | undefined;
      cause?: unknown;
    };

/** The most of an error answer's body that is read. */
export const ERROR_BODY_LIMIT = 64 * 1024;

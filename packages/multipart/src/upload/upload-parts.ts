import type { Dispatcher } from "undici";
import { InputError, throwIfAborted, UploadkitError } from "../errors.js";
import type { Part } from "../plan-parts.js";
import type { RetryOptions } from "../retry-policy.js";
import type { UploadSource } from "../sources/upload-source.js";
import { type SentAnswer, Transport, type Verdict } from "../transport/transport.js";
import { DEFAULT_STALL_TIMEOUT_MS, type RetryEvent } from "../transport/transport-options.js";
import type { PartTarget, TargetResolver } from "./part-target.js";
import { type ProgressListener, ProgressTracker } from "./progress.js";

export type { RetryEvent } from "../transport/transport-options.js";
export { DEFAULT_STALL_TIMEOUT_MS };

export interface CompletedPart {
  partNumber: number;
  etag: string;
}

export interface UploadPartsOptions {
  source: UploadSource;
  parts: Part[];
  target: TargetResolver;
  /** Parts in flight at once. Default 4. */
  concurrency?: number | undefined;
  retry?: RetryOptions | undefined;
  signal?: AbortSignal | undefined;
  onProgress?: ProgressListener | undefined;
  /** Parts already uploaded (from a checkpoint): skipped, counted as done. */
  completed?: readonly CompletedPart[] | undefined;
  /** Awaited after each part is stored, before it counts as done (write the checkpoint here). */
  onPartUploaded?: ((part: CompletedPart) => void | Promise<void>) | undefined;
  onRetry?: ((event: RetryEvent) => void) | undefined;
  /** Compare plain-MD5 ETags with the MD5 of the bytes sent. Default true. */
  checksum?: boolean | undefined;
  /** A part with no bytes moving for this long is aborted and retried. Default 30 s. */
  stallTimeoutMs?: number | undefined;
  /** The only origin credential headers may be sent to (the provider's API). */
  credentialOrigin?: string | undefined;
  dispatcher?: Dispatcher | undefined;
  /**
   * The transport to send on (a provider client's, with its credentials and policy). When given, `retry`,
   * `stallTimeoutMs`, `onRetry`, `credentialOrigin` and `dispatcher` come from it.
   */
  transport?: Transport | undefined;
}

export const DEFAULT_CONCURRENCY = 4;

const PLAIN_MD5_ETAG = /^"?([0-9a-f]{32})"?$/i;

/**
 * Uploads `parts` of `source` with bounded concurrency, per-part retries, progress and abort.
 * Resolves with every part's ETag sorted by part number — never with a part missing.
 */
export async function uploadParts(options: UploadPartsOptions): Promise<CompletedPart[]> {
  const { source, parts } = options;
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  if (!Number.isSafeInteger(concurrency) || concurrency < 1) {
    throw new InputError(`concurrency must be a whole number ≥ 1, got ${concurrency}.`, { code: "INPUT_CONCURRENCY" });
  }
  const transport =
    options.transport ??
    new Transport({
      retry: options.retry,
      stallTimeoutMs: options.stallTimeoutMs,
      onRetry: options.onRetry as ((event: unknown) => void) | undefined,
      apiOrigin: options.credentialOrigin,
      dispatcher: options.dispatcher,
    });
  const checksum = options.checksum ?? true;
  const planned = new Map(parts.map((part) => [part.partNumber, part]));
  const etags = new Map<number, string>();
  for (const done of options.completed ?? []) {
    if (!planned.has(done.partNumber)) {
      throw new InputError(`Completed part ${done.partNumber} is not in the plan of ${parts.length} parts.`, {
        code: "INPUT_COMPLETED_PART",
      });
    }
    etags.set(done.partNumber, done.etag);
  }
  throwIfAborted(options.signal);

  const doneBytes = parts.filter((part) => etags.has(part.partNumber)).reduce((sum, part) => sum + part.size, 0);
  const progress = new ProgressTracker(
    source.size,
    parts.length,
    { loaded: doneBytes, partsDone: etags.size },
    options.onProgress,
  );
  progress.emit();

  const controller = new AbortController();
  const onAbort = () => controller.abort(options.signal?.reason);
  options.signal?.addEventListener("abort", onAbort, { once: true });
  const queue = parts.filter((part) => !etags.has(part.partNumber));
  let next = 0;
  let failure: unknown;

  const uploadOne = async (part: Part): Promise<void> => {
    const body = await source.partBody(part);
    try {
      let readEtag: PartTarget["readEtag"];
      const etag = await transport.send({
        label: { partNumber: part.partNumber },
        target: async (context) => {
          const target = await options.target(part, context);
          readEtag = target?.readEtag;
          return target;
        },
        body: { size: part.size, description: source.description, open: () => body.open() },
        digests: checksum ? ["md5"] : [],
        repeatable: true,
        accept: (answer) => etagVerdict(answer, readEtag),
        progress,
        signal: controller.signal,
      });
      throwIfAborted(controller.signal);
      etags.set(part.partNumber, etag);
      await options.onPartUploaded?.({ partNumber: part.partNumber, etag });
      progress.partDone();
    } finally {
      body.release();
    }
  };

  const worker = async (): Promise<void> => {
    while (failure === undefined && next < queue.length) {
      const part = queue[next++] as Part;
      try {
        await uploadOne(part);
      } catch (error) {
        failure ??= error;
        controller.abort(error);
      }
    }
  };

  try {
    await Promise.all(Array.from({ length: Math.min(concurrency, queue.length) }, worker));
    throwIfAborted(options.signal);
    if (failure !== undefined) throw failure;
    await source.assertUnchanged();
  } finally {
    options.signal?.removeEventListener("abort", onAbort);
  }
  progress.emit();
  const missing = parts.filter((part) => !etags.has(part.partNumber)).map((part) => part.partNumber);
  if (missing.length > 0) {
    throw new UploadkitError(`Internal error: parts ${missing.join(", ")} have no ETag after the upload.`, {
      code: "PARTS_MISSING",
    });
  }
  return parts.map((part) => ({ partNumber: part.partNumber, etag: etags.get(part.partNumber) as string }));
}

/** A part's ETag from its answer, compared with the MD5 of the bytes sent when it is a plain MD5. */
function etagVerdict(answer: SentAnswer, readEtag: PartTarget["readEtag"]): Verdict<string> {
  const header = answer.headers.etag;
  const etag = readEtag?.(answer) ?? (Array.isArray(header) ? header[0] : header);
  if (!etag) {
    return {
      fail: "the part was accepted but the response carries no ETag (for browser uploads, the bucket's CORS rules must expose ETag)",
    };
  }
  const plain = PLAIN_MD5_ETAG.exec(etag)?.[1]?.toLowerCase();
  const computed = answer.digest("md5");
  if (plain && computed && plain !== computed) {
    return { retry: "the stored part's ETag is not the MD5 of the bytes sent", integrity: { expected: computed, actual: plain } };
  }
  return { value: etag };
}

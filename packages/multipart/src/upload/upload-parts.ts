import type { Dispatcher } from "undici";
import { InputError, IntegrityError, PartUploadError, throwIfAborted, UploadkitError } from "../errors.js";
import { sharedAgent } from "../http/agent.js";
import { assertCredentialsStayOnOrigin } from "../http/credentials.js";
import type { Part } from "../plan-parts.js";
import { redactSecrets, redactUrl } from "../redact.js";
import { nextDelay, type RetryOptions, resolveRetry, sleep } from "../retry-policy.js";
import type { UploadSource } from "../sources/upload-source.js";
import type { PartTarget, TargetResolver } from "./part-target.js";
import { type ProgressListener, ProgressTracker } from "./progress.js";
import { type AttemptOutcome, sendPart } from "./send-part.js";

export interface CompletedPart {
  partNumber: number;
  etag: string;
}

export interface RetryEvent {
  partNumber: number;
  /** The attempt that failed (1-based). */
  attempt: number;
  reason: string;
  status?: number | undefined;
  delayMs: number;
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
}

export const DEFAULT_CONCURRENCY = 4;
export const DEFAULT_STALL_TIMEOUT_MS = 30_000;

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
  const retry = resolveRetry(options.retry);
  const stallTimeoutMs = options.stallTimeoutMs ?? DEFAULT_STALL_TIMEOUT_MS;
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
      let target = await resolveTarget(options.target, part, 1, false, controller.signal);
      let refreshed = false;
      for (let attempt = 1; ; attempt++) {
        throwIfAborted(controller.signal);
        assertCredentialsStayOnOrigin(target.url, target.headers, options.credentialOrigin);
        const outcome = await sendPart({
          part,
          body: body.open(),
          target,
          dispatcher: options.dispatcher ?? sharedAgent(),
          signal: controller.signal,
          stallTimeoutMs,
          checksum: options.checksum ?? true,
          onBytes: (count) => progress.add(count),
        });
        if (outcome.ok) {
          throwIfAborted(controller.signal);
          etags.set(part.partNumber, outcome.etag);
          await options.onPartUploaded?.({ partNumber: part.partNumber, etag: outcome.etag });
          progress.partDone();
          return;
        }
        progress.takeBack(outcome.bytesSent);
        if (outcome.refreshTarget && !refreshed) {
          refreshed = true;
          options.onRetry?.({ partNumber: part.partNumber, attempt, reason: outcome.reason, status: outcome.status, delayMs: 0 });
          target = await resolveTarget(options.target, part, attempt + 1, true, controller.signal);
          continue;
        }
        if (!outcome.retryable || attempt >= retry.maxAttempts) throw partFailure(part, attempt, outcome, target);
        const delayMs = nextDelay(attempt, retry, outcome.retryAfterMs);
        options.onRetry?.({ partNumber: part.partNumber, attempt, reason: outcome.reason, status: outcome.status, delayMs });
        await sleep(delayMs, controller.signal);
        refreshed = false;
      }
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

async function resolveTarget(
  resolver: TargetResolver,
  part: Part,
  attempt: number,
  refresh: boolean,
  signal: AbortSignal,
): Promise<PartTarget> {
  throwIfAborted(signal);
  const target = await resolver(part, { attempt, refresh, signal });
  if (!target || typeof target.url !== "string") {
    throw new InputError(`The target for part ${part.partNumber} has no url.`, { code: "INPUT_TARGET" });
  }
  return target;
}

function partFailure(part: Part, attempts: number, outcome: Extract<AttemptOutcome, { ok: false }>, target: PartTarget): Error {
  const secrets = Object.values(target.headers ?? {});
  const where = redactUrl(target.url);
  const cause = outcome.cause === undefined ? undefined : scrubbedCause(outcome.cause, secrets);
  if (outcome.integrity) {
    return new IntegrityError(
      `Part ${part.partNumber} was stored with ETag ${outcome.integrity.actual}, but the MD5 of the bytes sent is ${outcome.integrity.expected} (after ${attempts} attempts to ${where}).`,
      { code: "PART_ETAG_MISMATCH", expected: outcome.integrity.expected, actual: outcome.integrity.actual, cause },
    );
  }
  const tries = `${attempts} attempt${attempts === 1 ? "" : "s"}`;
  return new PartUploadError(
    redactSecrets(`Part ${part.partNumber} failed after ${tries} to ${where}: ${outcome.reason}.`, secrets),
    {
      code: outcome.status ? `PART_HTTP_${outcome.status}` : "PART_NETWORK",
      partNumber: part.partNumber,
      attempts,
      status: outcome.status,
      cause,
    },
  );
}

/** A copy of a low-level error with secrets and URL signatures removed from its message. */
function scrubbedCause(error: unknown, secrets: string[]): Error {
  const original = error as { name?: string; message?: string; code?: string };
  const copy = new Error(redactSecrets(String(original.message ?? error), secrets));
  copy.name = original.name ?? "Error";
  if (original.code) Object.assign(copy, { code: original.code });
  return copy;
}

import { warmHashing } from "#runtime";
import { InputError, throwIfAborted, UploadkitError } from "../errors.js";
import { presignedUrlExpired } from "../http/presigned-expiry.js";
import { summarizeErrorBody } from "../http/read-bounded.js";
import type { Part } from "../plan-parts.js";
import type { SourceDigest } from "../sources/upload-source.js";
import { DIGESTS_AHEAD, LookAhead } from "../transport/part-budget.js";
import { sourceRange } from "../transport/source-range.js";
import { type SentAnswer, Transport, type Verdict } from "../transport/transport.js";
import { DEFAULT_STALL_TIMEOUT_MS } from "../transport/transport-options.js";
import { currentUploadScope } from "../transport/upload-scope.js";
import type { CompletedPart } from "./completed-part.js";
import type { PartTarget } from "./part-target.js";
import { ProgressTracker } from "./progress.js";
import { assertUploadPartsOptions } from "./upload-parts-check.js";
import type { UploadPartsOptions } from "./upload-parts-options.js";

export type { RetryEvent } from "../transport/transport-options.js";
export type { CompletedPart } from "./completed-part.js";
export type { UploadPartsOptions } from "./upload-parts-options.js";
export { DEFAULT_STALL_TIMEOUT_MS };

/** Parts in flight when `concurrency` is not given: 4. */
export const DEFAULT_CONCURRENCY = 4;

const PLAIN_MD5_ETAG = /^"?([0-9a-f]{32})"?$/i;

/**
 * Uploads `parts` of `source` with bounded concurrency, per-part retries, progress and abort.
 * Resolves with every part's ETag sorted by part number — never with a part missing. The options are checked
 * first: parts that are no plan of the whole source, a source or target of the wrong kind, are an InputError.
 */
export async function uploadParts(options: UploadPartsOptions): Promise<CompletedPart[]> {
  assertUploadPartsOptions(options);
  return sendParts(options);
}

/**
 * `uploadParts` for the engine, whose plan, source and target are its own (so a page's bundle does without the
 * checks of what a caller hands `uploadParts`).
 */
export async function sendParts(options: UploadPartsOptions): Promise<CompletedPart[]> {
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
      logger: options.logger,
      logLevel: options.logLevel,
    });
  const checksum = options.checksum ?? transport.checksum;
  const recordDigest = checksum || options.onPartUploaded !== undefined;
  if (recordDigest) warmHashing();
  const planned = new Map(parts.map((part) => [part.partNumber, part]));
  const etags = new Map<number, string>();
  const digests = new Map<number, string>();
  for (const done of options.completed ?? []) {
    if (!planned.has(done.partNumber)) {
      throw new InputError(`Completed part ${done.partNumber} is not in the plan of ${parts.length} parts.`, {
        code: "INPUT_COMPLETED_PART",
      });
    }
    etags.set(done.partNumber, done.etag);
    if (done.md5) digests.set(done.partNumber, done.md5);
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
  const budget = currentUploadScope()?.budget;
  let next = 0;
  let failure: unknown;

  // Targets are resolved ahead of need — at most `concurrency` beyond the parts in flight — so a resolver that asks
  // an API for each part's URL (Fanvue) overlaps that round trip with the uploads before it. A prefetched target is
  // used for its part's first attempt only, and only while its URL has not expired; a refresh (403) always asks again.
  const prefetched = new Map<number, Promise<PartTarget>>();
  const prefetchFrom = (index: number) => {
    for (const part of queue.slice(index, index + concurrency)) {
      if (prefetched.has(part.partNumber)) continue;
      const target = Promise.resolve().then(() =>
        options.target(part, { attempt: 1, refresh: false, signal: controller.signal }),
      );
      target.catch(() => {}); // reported when its part runs
      prefetched.set(part.partNumber, target);
    }
  };

  // A source that hashes its own ranges (a file, on a worker) is asked for each part's MD5 once the part holds a slot,
  // and for the parts after it while look-ahead places are free (DIGESTS_AHEAD, shared by every upload on one
  // budget): ranges started ahead wait in the worker until they fill its SIMD lanes, instead of being hashed one
  // by one as each part starts, and are done before their parts need them. Open ranges (and file descriptors) stay
  // at most the parts in flight plus the look-ahead, however many files are queued.
  const lookAhead = budget?.lookAhead ?? new LookAhead(DIGESTS_AHEAD);
  const digestsAhead = new Map<number, { digest: SourceDigest; release?: (() => void) | undefined }>();
  const startDigestsFrom = (index: number) => {
    if (!recordDigest || !source.digestRange) return;
    for (const [offset, part] of queue.slice(index, index + 1 + DIGESTS_AHEAD).entries()) {
      if (digestsAhead.has(part.partNumber)) continue;
      const release = offset === 0 ? undefined : lookAhead.take();
      if (offset > 0 && release === undefined) return;
      const digest = source.digestRange(part.start, part.end, "md5");
      if (digest) digestsAhead.set(part.partNumber, { digest, release });
      else release?.();
    }
  };

  const takeDigestAhead = (part: Part): SourceDigest | undefined => {
    const started = digestsAhead.get(part.partNumber);
    digestsAhead.delete(part.partNumber);
    started?.release?.(); // its part holds a slot now
    return started?.digest;
  };

  const uploadOne = async (part: Part): Promise<void> => {
    const body = await source.partBody(part);
    try {
      let readEtag: PartTarget["readEtag"];
      const { etag, md5 } = await transport.send({
        label: { partNumber: part.partNumber },
        target: async (context) => {
          const early = context.attempt === 1 && !context.refresh ? prefetched.get(part.partNumber) : undefined;
          prefetched.delete(part.partNumber);
          let target = await (early ?? options.target(part, context));
          // A URL fetched ahead can age past its expiry while earlier parts upload: ask for a fresh one first.
          if (early && target && presignedUrlExpired(target.url))
            target = await options.target(part, { ...context, refresh: true });
          readEtag = target?.readEtag;
          return target;
        },
        body: {
          size: part.size,
          description: source.description,
          open: () => body.open(),
          blob: body.blob && (() => (body.blob as () => Blob)()),
          ...sourceRange(source, part.start, part.end, () => takeDigestAhead(part)),
        },
        digests: recordDigest ? ["md5"] : [],
        repeatable: true,
        accept: (answer) => etagVerdict(answer, readEtag, checksum, transport),
        progress,
        signal: controller.signal,
      });
      throwIfAborted(controller.signal);
      etags.set(part.partNumber, etag);
      if (md5) digests.set(part.partNumber, md5);
      await options.onPartUploaded?.({ partNumber: part.partNumber, etag, md5 });
      progress.partDone();
    } finally {
      body.release();
    }
  };

  const worker = async (): Promise<void> => {
    while (failure === undefined && next < queue.length) {
      const index = next++;
      const part = queue[index] as Part;
      prefetchFrom(next);
      let release: (() => void) | undefined;
      try {
        release = await budget?.acquire(controller.signal);
        startDigestsFrom(index);
        await uploadOne(part);
      } catch (error) {
        failure ??= error;
        controller.abort(error);
      } finally {
        release?.();
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
    for (const { digest, release } of digestsAhead.values()) {
      digest.discard();
      release?.();
    }
    digestsAhead.clear();
  }
  progress.emit();
  const missing = parts.filter((part) => !etags.has(part.partNumber)).map((part) => part.partNumber);
  if (missing.length > 0) {
    throw new UploadkitError(`Internal error: parts ${missing.join(", ")} have no ETag after the upload.`, {
      code: "PARTS_MISSING",
    });
  }
  return parts.map((part) => {
    const md5 = digests.get(part.partNumber);
    return { partNumber: part.partNumber, etag: etags.get(part.partNumber) as string, ...(md5 ? { md5 } : {}) };
  });
}

/** S3 error codes that mean "try again": the store could not take the part now, not that the request is wrong. */
const RETRYABLE_S3_CODES = new Set(["InternalError", "SlowDown", "ServiceUnavailable", "RequestTimeout"]);

/**
 * A 200 whose body is an S3 `<Error>` document (S3 may send one after the 200 head, e.g. for a part it could not
 * finish): retried when its code is one of RETRYABLE_S3_CODES, a failure at once otherwise — named by its code.
 */
function s3ErrorVerdict(body: string): Verdict<never> | undefined {
  if (!/<Error>[\s\S]*<\/Error>/.test(body)) return undefined;
  const code = /<Code>\s*([^<]*?)\s*<\/Code>/.exec(body)?.[1] || undefined;
  const summary = summarizeErrorBody(body) ?? "no code";
  if (code !== undefined && RETRYABLE_S3_CODES.has(code)) {
    return { retry: `the store answered 200 with S3 error ${summary}` };
  }
  return {
    fail: `the store answered 200 with S3 error ${summary}${code === undefined ? " (an <Error> without a <Code>)" : ""}, which is not retried`,
  };
}

/**
 * A part's ETag from its answer. An ETag that holds an MD5 (plain, quoted or weak) is compared with the MD5 of the bytes
 * sent, unless the store says its ETags are not MD5s (SSE-KMS, SSE-C); those, and ETags that are no MD5, are accepted
 * unverified, with a warning. A 200 that carries an S3 `<Error>` body is classified by its S3 code (s3ErrorVerdict).
 */
export function etagVerdict(
  answer: SentAnswer,
  readEtag: PartTarget["readEtag"],
  checksum: boolean,
  transport: Transport,
): Verdict<{ etag: string; md5: string | undefined }> {
  const md5 = answer.digest("md5");
  const s3Error = s3ErrorVerdict(answer.body);
  if (s3Error) return s3Error;
  const header = answer.headers.etag;
  const etag = readEtag?.(answer) ?? (Array.isArray(header) ? header[0] : header);
  if (!etag) {
    return {
      fail: "the part was accepted but the response carries no ETag header it can read; nothing was completed. In a browser this means the store's CORS rules do not expose it: add ETag to Access-Control-Expose-Headers (on S3, ExposeHeaders in the bucket's CORS configuration)",
    };
  }
  if (!checksum || md5 === undefined) return { value: { etag, md5 } };
  const encryption = String(answer.headers["x-amz-server-side-encryption"] ?? "").toLowerCase();
  if (encryption.startsWith("aws:kms") || answer.headers["x-amz-server-side-encryption-customer-algorithm"] !== undefined) {
    transport.warnOnce(
      "UPLOADKIT_ETAG_NOT_MD5",
      "The store encrypts with SSE-KMS or SSE-C, so its ETags are not MD5s: parts are not verified by MD5 (set checksum: false to silence this).",
    );
    return { value: { etag, md5 } };
  }
  // A weak ETag (`W/"…"`) that holds an MD5 is compared like a strong one; only an ETag that is no MD5 is not.
  const weak = /^W\//i.test(etag);
  const plain = PLAIN_MD5_ETAG.exec(weak ? etag.slice(2) : etag)?.[1]?.toLowerCase();
  if (plain === undefined) {
    transport.warnOnce(
      weak ? "UPLOADKIT_WEAK_ETAG" : "UPLOADKIT_ETAG_OPAQUE",
      `The store answered a part with ${weak ? "a weak" : "an"} ETag that is no MD5; such parts are not verified by MD5 (set checksum: false to silence this).`,
    );
    return { value: { etag, md5 } };
  }
  if (plain !== md5) {
    return { retry: "the stored part's ETag is not the MD5 of the bytes sent", integrity: { expected: md5, actual: plain } };
  }
  return { value: { etag, md5 } };
}

import { warmHashing } from "#runtime";
import { ResumableSession } from "../checkpoint/resumable-session.js";
import { SourceChangedError, throwIfAborted } from "../errors.js";
import type { JournalEntry } from "../journal/journal-entry.js";
import { openSource, type SourceInput } from "../sources/open-source.js";
import type { UploadSource } from "../sources/upload-source.js";
import { sourceRange } from "../transport/source-range.js";
import type { Transport } from "../transport/transport.js";
import { currentUploadScope, withUploadScope } from "../transport/upload-scope.js";
import { ProgressTracker } from "../upload/progress.js";
import type { FlowContext, SingleRequest, UploadAdapter } from "./upload-adapter.js";
import { assertUploadOptions, type CommonUploadOptions, type UploadResultCore } from "./upload-options.js";

/** A provider's record with the common core beside it. */
export type UploadResult<Result> = Result & UploadResultCore;

/**
 * The one upload flow, for every provider: check the options → open the source → checkpoint → plan → resume or
 * create the session → send the parts (or the single request) → complete → clear the checkpoint → post-steps.
 * What is the provider's own comes from `adapter`; every request goes through `transport`. With a journal `entry`
 * (uploadMany's `journal`), a file an earlier run finished is not sent, one it left unfinished is asked of the
 * provider (`lookup`) before it is resumed or sent, and each step is journaled before it is relied on.
 */
export async function runUpload<Options extends CommonUploadOptions, Session, Result extends object>(
  adapter: UploadAdapter<Options, Session, Result>,
  transport: Transport,
  input: SourceInput,
  options: Options = {} as Options,
  entry?: JournalEntry,
): Promise<UploadResult<Result>> {
  assertUploadOptions(adapter.provider, options, adapter.ownOptions, adapter.unsupported);
  return withUploadScope({ onRetry: options.onRetry }, async () => {
    const { signal } = options;
    const source = await openSource(input, {
      filename: options.filename,
      contentType: options.contentType,
      rejectEmpty: adapter.rejectEmpty ?? true,
    });
    adapter.validate?.(source, options);
    let context: FlowContext<Options> = { source, options, signal };
    if (entry) {
      await entry.open(source);
      const shared = options.checkpoint === undefined && !adapter.unsupported?.checkpoint ? entry.checkpointStore() : undefined;
      if (shared) {
        options = { ...options, checkpoint: shared };
        context = { ...context, options };
      }
      const done = entry.done;
      if (done) {
        entry.status = "done";
        return { ...(done.result as Result), ...coreOf(adapter, source, done.id ?? "") };
      }
      const inFlight = entry.inFlight;
      if (inFlight && adapter.lookup) {
        const found = await adapter.lookup(context, {
          session: inFlight.session as Partial<Session> | undefined,
          ids: inFlight.ids,
        });
        if (found !== undefined) {
          entry.status = "found";
          const result = withCore(adapter, source, found, undefined);
          await entry.finished(result.id, result as unknown as Record<string, unknown>);
          if (options.checkpoint !== undefined) await ResumableSession.storeOf(options.checkpoint).clear();
          return result;
        }
      }
      if (entry.status === "changed" && options.checkpoint !== undefined) {
        // A checkpoint for the bytes journaled before would be refused as other bytes: these are a new file.
        await ResumableSession.storeOf(options.checkpoint).clear();
      }
      const ids = entry.chosenIds ?? adapter.chooseIds?.(options);
      if (ids) context = { ...context, options: { ...options, ...ids } };
      await entry.started(ids);
    }
    const resumable = await ResumableSession.open<Session>(options.checkpoint, adapter.provider, source, { lock: true }).catch(
      async (error: unknown) => {
        // With a journal the journal says which bytes were sent: a checkpoint left for other bytes at this path (a
        // run without the journal, or one whose journal was removed) is of a file since replaced, uploaded anew.
        if (!entry || options.checkpoint === undefined || !(error instanceof SourceChangedError)) throw error;
        await ResumableSession.storeOf(options.checkpoint).clear();
        entry.status = "changed";
        return ResumableSession.open<Session>(options.checkpoint, adapter.provider, source, { lock: true });
      },
    );
    try {
      const resumed = resumable.session;
      if (resumed !== undefined && entry) entry.status = "resumed";
      if (resumed !== undefined) {
        adapter.checkSession?.(resumed, describeCheckpoint(options.checkpoint));
        adapter.checkResume?.(resumed, options);
      }
      const planned = adapter.plan?.(source, options, resumed);
      // Parts planned here are MD5-checked: the hashers start while the provider's session is created. Where the
      // provider plans the parts (OFAuth) or one request carries the file (Flowkiwi), uploadParts starts them if
      // parts come, and a single request starts no Web Worker.
      if (planned !== undefined && transport.checksum) warmHashing();
      throwIfAborted(signal);

      if (resumed === undefined && adapter.preflight) {
        const settled = await adapter.preflight(context);
        if (settled !== undefined) return await journaled(entry, withCore(adapter, source, settled, undefined));
      }
      let session: Session;
      if (resumed !== undefined) {
        session = resumed;
      } else {
        session = await resumable.start((await adapter.create?.(context, planned)) as Session);
        if (session !== undefined) await entry?.session(adapter.journalSession ? adapter.journalSession(session) : session);
      }
      const transfer = adapter.transfer(context, session, planned);
      let record: Result;
      if ("single" in transfer) {
        record = await sendSingle(transport, source, transfer.single, options);
      } else {
        const etags = await resumable.uploadParts({
          source,
          parts: transfer.parts,
          target: transfer.target,
          checksum: transfer.checksum,
          concurrency: options.concurrency,
          signal,
          onProgress: options.onProgress,
          transport,
          onPartRecorded: adapter.partDone && ((part) => adapter.partDone?.(context, session, part)),
        });
        throwIfAborted(signal);
        if (!adapter.complete) throw new TypeError(`${adapter.provider}: a multipart transfer needs complete()`);
        record = await adapter.complete(context, session, etags);
      }
      if (adapter.finish) record = await adapter.finish(context, session, record);
      const result = await journaled(entry, withCore(adapter, source, record, session));
      await resumable.clear();
      return result;
    } finally {
      await resumable.release();
    }
  });
}

async function sendSingle<Result>(
  transport: Transport,
  source: UploadSource,
  request: SingleRequest<Result>,
  options: CommonUploadOptions,
): Promise<Result> {
  const progress = new ProgressTracker(source.size, 1, { loaded: 0, partsDone: 0 }, options.onProgress);
  progress.emit();
  const path = new URL(request.url).pathname;
  const release = await currentUploadScope()?.budget?.acquire(options.signal);
  const record = await transport
    .send({
      label: { method: request.method, path },
      target: () => ({ url: request.url, method: request.method, headers: request.headers, credentials: request.credentials }),
      body: {
        size: source.size,
        description: source.description,
        open: () => source.stream(),
        blob: source.blob && (() => (source.blob as () => Blob)()),
        ...sourceRange(source, 0, source.size),
        reopenable: source.kind !== "stream",
        head: request.head,
        tail: request.tail,
      },
      digests: request.digests,
      repeatable: request.repeatable,
      responseLimit: request.responseLimit,
      accept: (answer) => request.accept(answer),
      settle: request.settle,
      progress,
      signal: options.signal,
    })
    .finally(() => release?.());
  progress.partDone();
  return record;
}

/** Journals a finished upload (before its checkpoint is cleared: a crash in between leaves it done, not lost). */
async function journaled<Result extends UploadResultCore>(entry: JournalEntry | undefined, result: Result): Promise<Result> {
  await entry?.finished(result.id, result as unknown as Record<string, unknown>);
  return result;
}

function describeCheckpoint(option: CommonUploadOptions["checkpoint"]): string {
  return typeof option === "string" ? option : (option?.description ?? "");
}

function withCore<Options extends CommonUploadOptions, Session, Result extends object>(
  adapter: UploadAdapter<Options, Session, Result>,
  source: UploadSource,
  record: Result,
  session: Session | undefined,
): UploadResult<Result> {
  return { ...record, ...coreOf(adapter, source, adapter.idOf(record, session)) };
}

function coreOf(adapter: { provider: string }, source: UploadSource, id: string): UploadResultCore {
  return { id, provider: adapter.provider, size: source.size, contentType: source.contentType };
}

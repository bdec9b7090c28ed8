import { assertOptions, type OptionKind } from "../argument-checks.js";
import { AbortError, InputError, isAbortError } from "../errors.js";
import { openJournalOption } from "../journal/file-journal.js";
import { JournalEntry, type JournalStatus } from "../journal/journal-entry.js";
import { FileClaimedElsewhere } from "../journal/journal-lease.js";
import type { UploadJournal } from "../journal/upload-journal.js";
import type { SourceInput } from "../sources/open-source.js";
import { PartBudget } from "../transport/part-budget.js";
import type { Transport } from "../transport/transport.js";
import { withUploadScope } from "../transport/upload-scope.js";
import { DEFAULT_CONCURRENCY } from "../upload/upload-parts.js";
import { ClaimedFiles } from "./claimed-files.js";
import { linkSignals, SignalFanout } from "./linked-signal.js";
import { runUpload, type UploadResult } from "./run-upload.js";
import type { UploadAdapter } from "./upload-adapter.js";
import { assertUploadOptions, type CommonUploadOptions } from "./upload-options.js";

/**
 * Files uploaded at once by default. Most of a small file's time is API round trips, which take no part slot, so
 * more files than part slots keeps the connection busy; the bytes in flight stay bounded by the shared part budget.
 * 200 files of 1 MiB through Record360's fake at 100 ms per API answer: 5.3× one after another with 8 at once,
 * 7.8× with 16 (`pnpm bench`).
 */
export const DEFAULT_FILES_CONCURRENCY = 16;

/** One file of an `uploadMany`: an input, or an input with its own `uploadMedia` options. */
export type UploadManyItem<Options> = SourceInput | { input: SourceInput; options?: Options };

/** Options of `uploadMany` and `uploadEach`. */
export interface UploadManyOptions {
  /** Files uploaded at once. Default 16. */
  filesConcurrency?: number | undefined;
  /** Parts in flight across all files at once (each file's own `concurrency` still applies). Default 4. */
  concurrency?: number | undefined;
  /** Aborts every file: the call rejects with an AbortError. */
  signal?: AbortSignal | undefined;
  /** Called as each file ends, in the order they end. */
  onFileDone?: ((outcome: UploadManyOutcome<unknown>) => void) | undefined;
  /**
   * Each file exactly once, across runs: a file path (a file of JSON lines, fsync'd; Node) or a store of your own
   * (`UploadJournal`). Every file's identity (path, size, mtime, SHA-256 of its first and last MiB), the provider's
   * session as soon as it exists (and ids we choose, before they are used) and its final id are recorded. Run the same
   * files again — after a crash, Ctrl-C or `kill -9` — and those finished are not sent (`journal: "done"`, no call),
   * those in flight are asked of the provider (`"found"`) or resumed from their `checkpoint` (`"resumed"`), and a
   * file changed since is uploaded as a new one (`"changed"`). Inputs must be paths (or Files).
   */
  journal?: string | UploadJournal | undefined;
}

/** A file of an `uploadMany` that was uploaded. */
export interface UploadManySuccess<Result> {
  /** True: `result` holds the upload's result. */
  ok: true;
  /** The file's position in the input list. */
  index: number;
  /** The input, as given. */
  input: SourceInput;
  /** What `uploadMedia` would have resolved with (for `journal: "done"`, what it resolved with in the earlier run). */
  result: UploadResult<Result>;
  /** With a journal: how this file went (see JournalStatus). */
  journal?: JournalStatus | undefined;
}

/** A file of an `uploadMany` that failed (the others went on). */
export interface UploadManyFailure {
  /** False: `error` says why. */
  ok: false;
  /** The file's position in the input list. */
  index: number;
  /** The input, as given. */
  input: SourceInput;
  /** What `uploadMedia` would have rejected with (an InputError, ApiError, …). */
  error: unknown;
}

/** How one file of an `uploadMany` ended: its result, or its error. */
export type UploadManyOutcome<Result> = UploadManySuccess<Result> | UploadManyFailure;

/** The inputs of `uploadMany`/`uploadEach`: an array, any iterable, or an async iterable (a folder listed lazily). */
export type UploadManyItems<Options> = Iterable<UploadManyItem<Options>> | AsyncIterable<UploadManyItem<Options>>;

/**
 * Uploads several inputs through the one flow: at most `filesConcurrency` files at once, sharing one budget of
 * `concurrency` parts in flight. Resolves with every file's outcome in input order; a file's failure does not stop
 * the others. Aborting `signal` rejects with an AbortError.
 */
export async function runUploads<Options extends CommonUploadOptions, Session, Result extends object>(
  adapter: UploadAdapter<Options, Session, Result>,
  transport: Transport,
  items: UploadManyItems<Options>,
  options: UploadManyOptions = {},
): Promise<UploadManyOutcome<Result>[]> {
  const outcomes: UploadManyOutcome<Result>[] = [];
  for await (const outcome of eachUpload(adapter, transport, items, options)) outcomes[outcome.index] = outcome;
  return outcomes;
}

/**
 * Like `runUploads`, but yields each file's outcome as it ends and keeps none: the inputs are read only as files
 * start (an async listing of a folder is never held whole), and at most `filesConcurrency` outcomes wait for the
 * consumer. Breaking out of the loop aborts the files still running.
 */
export async function* eachUpload<Options extends CommonUploadOptions, Session, Result extends object>(
  adapter: UploadAdapter<Options, Session, Result>,
  transport: Transport,
  items: UploadManyItems<Options>,
  options: UploadManyOptions = {},
): AsyncGenerator<UploadManyOutcome<Result>> {
  const iterator = iteratorOf(items);
  assertOptions(options, "uploadMany's and uploadEach's options", MANY_OPTIONS, {
    hint: "A file's own upload options go with it: { input, options: { … } }.",
  });
  const opened = options.journal === undefined ? undefined : await openJournalOption(options.journal);
  const inRun = new Set<string>();
  const filesConcurrency = options.filesConcurrency ?? DEFAULT_FILES_CONCURRENCY;
  const budget = new PartBudget(options.concurrency ?? DEFAULT_CONCURRENCY);
  const stop = new AbortController();
  const run = linkSignals([options.signal, stop.signal]);
  const signal = run.signal;
  // One listener on the run's signal for every file (a listener per file would pass Node's warning threshold).
  const fanout = new SignalFanout(signal);
  const ready: UploadManyOutcome<Result>[] = [];
  let wake: (() => void) | undefined;
  let drained: (() => void)[] = [];
  const makeRoom = () => {
    for (const resolve of drained) resolve();
    drained = [];
  };
  let failure: { error: unknown } | undefined;
  let next = 0;
  let listed = false;
  let pulling: Promise<unknown> = Promise.resolve();
  const pull = () => {
    const result = pulling.then(() => iterator.next());
    pulling = result.catch(() => {});
    return result;
  };
  const notify = () => {
    wake?.();
    wake = undefined;
  };
  // Files another worker holds (a shared journal): tried again once the listing is done, until they are finished.
  const waiting = new ClaimedFiles<{ index: number; own: { input: SourceInput; options?: Options } }>(opened?.journal.leaseMs);
  const worker = async () => {
    while (!signal.aborted && !failure) {
      let index: number;
      let own: { input: SourceInput; options?: Options };
      const again = await waiting.next(listed, signal);
      if (again) ({ index, own } = again);
      else {
        let step: IteratorResult<UploadManyItem<Options>>;
        try {
          step = await pull();
        } catch (error) {
          failure ??= { error };
          break;
        }
        if (step.done) {
          listed = true;
          if (waiting.size > 0) continue;
          break;
        }
        index = next++;
        own = isItem(step.value) ? step.value : { input: step.value };
      }
      const entry = opened ? new JournalEntry(opened.journal, adapter.provider, inRun) : undefined;
      const fromRun = fanout.child();
      const ownSignal = own.options?.signal;
      const fileSignal = linkSignals([
        fromRun.signal,
        ownSignal instanceof AbortSignal ? ownSignal : undefined,
        entry?.leaseLost.signal,
      ]);
      const fileOptions = { ...own.options, signal: fileSignal.signal } as Options;
      let outcome: UploadManyOutcome<Result>;
      try {
        // The item's own options as given (a signal of the wrong kind is not linked above, and is refused here).
        assertUploadOptions(adapter.provider, own.options, adapter.ownOptions, adapter.unsupported);
        const result = await withUploadScope({ budget }, () => runUpload(adapter, transport, own.input, fileOptions, entry));
        outcome = { ok: true, index, input: own.input, result, ...(entry ? { journal: entry.status } : {}) };
      } catch (error) {
        if (error instanceof FileClaimedElsewhere) {
          waiting.add({ index, own });
          continue;
        }
        if (isAbortError(error) && signal.aborted) break;
        const lost = entry?.leaseLost.signal.aborted ? entry.leaseLost.signal.reason : undefined;
        outcome = { ok: false, index, input: own.input, error: lost ?? error };
      } finally {
        entry?.end();
        fileSignal.dispose();
        fromRun.dispose();
      }
      options.onFileDone?.(outcome as UploadManyOutcome<unknown>);
      ready.push(outcome);
      notify();
      while (ready.length >= filesConcurrency && !signal.aborted) await new Promise<void>((resolve) => drained.push(resolve));
    }
  };
  let running = filesConcurrency;
  const workers = Array.from({ length: filesConcurrency }, () =>
    worker().finally(() => {
      running--;
      notify();
    }),
  );
  try {
    while (true) {
      const outcome = ready.shift();
      if (outcome) {
        makeRoom();
        yield outcome;
        continue;
      }
      if (running === 0) break;
      await new Promise<void>((resolve) => (wake = resolve));
    }
    if (failure) throw failure.error;
    if (options.signal?.aborted) throw new AbortError(undefined, { cause: options.signal.reason });
  } finally {
    stop.abort(new AbortError("uploadEach's loop ended before every file did"));
    run.dispose();
    makeRoom();
    await Promise.allSettled(workers);
    await Promise.resolve(iterator.return?.()).catch(() => {});
    if (opened?.opened) await opened.journal.close?.();
  }
}

/** uploadMany's and uploadEach's options and what each must be, held by the compiler to `UploadManyOptions`. */
const MANY_OPTIONS: Readonly<Record<keyof UploadManyOptions, OptionKind>> = {
  filesConcurrency: 1,
  concurrency: 1,
  signal: "signal",
  onFileDone: "function",
  journal: true,
};

function iteratorOf<T>(items: Iterable<T> | AsyncIterable<T>): AsyncIterator<T> | Iterator<T> {
  if (items && typeof (items as AsyncIterable<T>)[Symbol.asyncIterator] === "function") {
    return (items as AsyncIterable<T>)[Symbol.asyncIterator]();
  }
  if (items && typeof (items as Iterable<T>)[Symbol.iterator] === "function" && typeof items !== "string") {
    return (items as Iterable<T>)[Symbol.iterator]();
  }
  throw new InputError("uploadMany and uploadEach take an array (or an iterable, or an async iterable) of inputs.", {
    code: "INPUT_INVALID",
  });
}

function isItem<Options>(item: UploadManyItem<Options>): item is { input: SourceInput; options?: Options } {
  return typeof item === "object" && item !== null && "input" in item && !(item instanceof Uint8Array) && !(item instanceof Blob);
}

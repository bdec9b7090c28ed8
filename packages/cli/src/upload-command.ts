import { stat } from "node:fs/promises";
import { basename, resolve } from "node:path";
import { InputError, isAbortError, JournalError, UploadkitError, type UploadProgress } from "@uploadkit/multipart";
import type { Sandbox } from "@uploadkit/sandbox";
import { checkpointPath } from "./checkpoint-path.js";
import { EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK, EXIT_SHARED_STATE_LOST } from "./exit-codes.js";
import { formatError } from "./format-error.js";
import { heapCeiling } from "./heap-ceiling.js";
import { listFiles } from "./list-files.js";
import { adapterFor, type ProviderName, resolveCredentials, type UploadFlags } from "./provider-adapters.js";
import { ReportFile } from "./report-file.js";
import { jsonReporter } from "./reporters/json-reporter.js";
import { plainReporter } from "./reporters/plain-reporter.js";
import type { FileReport, Reporter } from "./reporters/reporter.js";
import { ttyReporter } from "./reporters/tty-reporter.js";
import { openRunJournal } from "./run-journal.js";
import { RunTally } from "./run-tally.js";
import { parseShard } from "./shard.js";

export interface UploadCommandOptions extends UploadFlags {
  json?: boolean;
  sandbox?: boolean;
  checkpointDir: string;
  resume: boolean;
  filesConcurrency?: number;
  recursive?: boolean;
  journal?: string;
  report?: string;
  shard?: string;
  maxCallsPerSecond?: number;
}

export interface CommandContext {
  env: NodeJS.ProcessEnv;
  /** The arguments after `uploadkit`, to print the command that resumes. */
  argv: string[];
  isTTY: boolean;
}

/** The heap in use past which a run collects its garbage (see heap-ceiling.ts): a run keeps ~20 MiB alive. */
const HEAP_CEILING_BYTES = 48 * 1024 * 1024;

/** What the provider cannot take (its types, sizes, names): a file found in a folder is skipped with one line. */
const NOT_TAKEN = new Set(["INPUT_CONTENT_TYPE", "INPUT_TOO_LARGE", "INPUT_EMPTY", "INPUT_MEDIA_TYPE", "INPUT_NAME_LENGTH"]);

const JOURNAL_STATUS: Record<string, string> = {
  done: "already uploaded (journal)",
  found: "found at the provider (an earlier run ended before journaling it)",
  changed: "changed since journaled: uploaded as a new file",
};

/** One file in flight: its line on screen, and what its report row needs. */
interface FileInFlight {
  path: string;
  named: boolean;
  size: number;
  report: FileReport;
  started: number;
  attempts: number;
  last?: UploadProgress | undefined;
  checkpoint: string | undefined;
}

/**
 * `uploadkit upload <provider> <file|folder|glob>...`: lists the files lazily, uploads them a few at a time through
 * one client (one rate limit for the run), journals each (`--journal`), writes a row per file (`--report`); returns
 * the exit code.
 */
export async function runUploadCommand(
  provider: string,
  paths: string[],
  options: UploadCommandOptions,
  context: CommandContext,
): Promise<number> {
  const adapter = adapterFor(provider);
  adapter.assertFlags(options);
  const shard = options.shard === undefined ? undefined : parseShard(options.shard);
  // Checked before anything starts: a report that cannot be written is a usage error, not a sandbox left running.
  if (options.report !== undefined) ReportFile.assertWritable(options.report);
  let sandbox: Sandbox | undefined;
  let opened: Awaited<ReturnType<typeof openRunJournal>> | undefined;
  let reportFile: ReportFile | undefined;
  let client: Awaited<ReturnType<typeof adapter.client>>;
  let flags: UploadFlags;
  try {
    if (options.sandbox) {
      // Loaded only here: a real upload never loads the sandbox, its S3 store or the AWS SDK.
      const { startSandbox } = await import("@uploadkit/sandbox");
      sandbox = await startSandbox({ providers: [provider as ProviderName], fanvue: { processingMs: 200 } });
      flags = { ...options, ...adapter.fromSandbox(sandbox) };
    } else {
      flags = resolveCredentials(provider as ProviderName, options, context.env);
    }
    opened = await openRunJournal(options.journal, options.maxCallsPerSecond);
    reportFile = options.report === undefined ? undefined : new ReportFile(options.report);
    client = await adapter.client(flags, opened.limiter);
  } catch (error) {
    // Whatever started is stopped: the sandbox's servers, the journal's lock or Redis connection, the report.
    reportFile?.close();
    await opened?.close().catch(() => {});
    await sandbox?.stop();
    throw error;
  }
  const run = opened;
  const { limiter } = run;
  const reporter: Reporter = options.json ? jsonReporter() : context.isTTY ? ttyReporter() : plainReporter();
  const controller = new AbortController();
  const onSigint = () => controller.abort(new Error("interrupted (SIGINT)"));
  process.once("SIGINT", onSigint);
  const tally = new RunTally();
  const inFlight = new Map<number, FileInFlight>();
  const kept: string[] = [];
  // A shared journal keeps each file's checkpoint itself (so another machine resumes it).
  const useCheckpoints = options.resume && adapter.resumable && !sandbox && !run.shared;
  let lostSharedState: unknown;
  const fileEnded = heapCeiling(HEAP_CEILING_BYTES);

  async function* items() {
    let index = 0;
    const listing = listFiles(paths, {
      recursive: options.recursive === true,
      shard,
      exclude: [run.shared ? undefined : options.journal, options.report, options.checkpointDir].filter(
        (p): p is string => p !== undefined,
      ),
    });
    for await (const { path, named, unmatched } of listing) {
      if (unmatched === "folder") {
        const hint = options.recursive ? "" : " (files in its subfolders are uploaded with --recursive)";
        reporter.note(`${path}: no files to upload in this folder${hint}.`);
        continue;
      }
      if (unmatched) {
        const error = `no file matches ${path}. Check the pattern.`;
        reporter.file(path, 0).failed(error);
        tally.count("failed", 0);
        reportFile?.add({ path, size: 0, seconds: 0, attempts: 0, id: "", outcome: "failed", error });
        continue;
      }
      const size = await stat(path).then(
        (s) => s.size,
        () => 0,
      );
      const file: FileInFlight = {
        path,
        named,
        size,
        report: reporter.file(basename(path), size),
        started: performance.now(),
        attempts: 1,
        checkpoint: useCheckpoints ? checkpointPath(options.checkpointDir, provider, path) : undefined,
      };
      inFlight.set(index++, file);
      yield {
        input: path,
        // The run's signal reaches every file through uploadEach.
        options: adapter.options(flags, {
          checkpoint: file.checkpoint,
          onProgress: (progress) => {
            file.last = progress;
            file.report.progress(progress);
          },
          onRetry: () => file.attempts++,
        }),
      };
    }
  }

  let interrupted = false;
  try {
    const outcomes = client.uploadEach(items(), {
      filesConcurrency: options.filesConcurrency,
      concurrency: options.concurrency,
      signal: controller.signal,
      journal: run.journal,
    });
    for await (const outcome of outcomes) {
      const file = inFlight.get(outcome.index) as FileInFlight;
      inFlight.delete(outcome.index);
      fileEnded();
      const seconds = (performance.now() - file.started) / 1000;
      const row = { path: file.path, size: file.size, seconds, attempts: file.attempts };
      if (outcome.ok) {
        const shown = adapter.outcome(outcome.result);
        const journal = outcome.journal ?? "uploaded";
        const status = JOURNAL_STATUS[journal] ?? shown.status;
        file.report.done({
          provider,
          file: file.path,
          size: file.size,
          id: shown.id,
          status,
          parts: file.last?.partsTotal ?? 1,
          seconds,
          mibPerSecond: file.size / 1048576 / Math.max(seconds, 0.001),
          ...(outcome.journal === undefined ? {} : { journal: outcome.journal }),
        });
        const skippedAtProvider = shown.status?.startsWith("skipped") === true;
        tally.count(skippedAtProvider && journal === "uploaded" ? "skipped" : journal, journal === "done" ? 0 : file.size);
        reportFile?.add({ ...row, id: shown.id, outcome: skippedAtProvider ? "skipped" : journal });
        continue;
      }
      const error = outcome.error;
      const code = error instanceof InputError ? error.code : undefined;
      if ((code !== undefined && NOT_TAKEN.has(code) && !file.named) || code === "INPUT_DUPLICATE_FILE") {
        const reason = formatError(error).replace(/^invalid input: /, "");
        file.report.skipped(reason);
        tally.count("notTaken", 0);
        reportFile?.add({ ...row, id: "", outcome: "skipped", error: reason });
        continue;
      }
      if (isAbortError(error) && controller.signal.aborted) {
        file.report.failed("interrupted");
        if (file.checkpoint) kept.push(file.checkpoint);
        reportFile?.add({ ...row, id: "", outcome: "interrupted" });
        continue;
      }
      if (isSharedStateLost(error)) {
        // Redis is gone: claim nothing more; what was sent is found again by the next run (journal lookups).
        lostSharedState ??= error;
        controller.abort(error);
      }
      tally.count("failed", 0);
      file.report.failed(formatError(error));
      reportFile?.add({ ...row, id: "", outcome: "failed", error: formatError(error) });
    }
  } catch (error) {
    if (!(isAbortError(error) && controller.signal.aborted)) throw error;
    interrupted = lostSharedState === undefined;
  } finally {
    process.removeListener("SIGINT", onSigint);
    for (const file of inFlight.values()) {
      file.report.failed("interrupted");
      if (file.checkpoint) kept.push(file.checkpoint);
    }
    reportFile?.close();
    await run.close().catch(() => {});
    const closing = tally.summary(limiter.stats);
    if (interrupted) {
      reporter.close(closing);
      process.stderr.write(`Interrupted. ${resumeHint(options, kept, context.argv)}\n`);
    } else {
      reporter.close(closing);
    }
    await sandbox?.stop();
  }
  if (lostSharedState !== undefined) {
    process.stderr.write(
      `${formatError(lostSharedState)}\nRun the same command again once Redis answers: nothing is uploaded twice.\n`,
    );
    return EXIT_SHARED_STATE_LOST;
  }
  if (interrupted) return EXIT_INTERRUPTED;
  return tally.failed > 0 ? EXIT_FAILED : EXIT_OK;
}

/** Redis (the shared journal or the shared limit) could not be reached in the middle of a run. */
function isSharedStateLost(error: unknown): boolean {
  return (
    (error instanceof JournalError && error.code === "JOURNAL_UNAVAILABLE") ||
    (error instanceof UploadkitError && error.code === "RATE_LIMITER_UNAVAILABLE")
  );
}

function resumeHint(options: UploadCommandOptions, kept: string[], argv: string[]): string {
  const again = `uploadkit ${argv.map(quote).join(" ")}`;
  if (options.journal) {
    const where = /^rediss?:/i.test(options.journal) ? options.journal.replace(/\/\/[^@/]*@/, "//") : resolve(options.journal);
    return `The journal ${where} records every file: run the same command again, and finished files are skipped, the others resumed:\n  ${again}`;
  }
  if (kept.length === 0) return "";
  const what = kept.length === 1 ? `The checkpoint ${kept[0]} is kept` : `The checkpoints ${kept.join(", ")} are kept`;
  return `${what}. Resume with:\n  ${again}`;
}

function quote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

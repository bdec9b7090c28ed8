import { stat } from "node:fs/promises";
import { basename } from "node:path";
import { isAbortError, type UploadProgress } from "@uploadkit/multipart";
import { PartBudget, withUploadScope } from "@uploadkit/multipart/internal";
import type { Sandbox } from "@uploadkit/sandbox";
import { checkpointPath } from "./checkpoint-path.js";
import { EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK } from "./exit-codes.js";
import { formatError } from "./format-error.js";
import { adapterFor, type ProviderName, resolveCredentials, type UploadFlags, type UploadOutcome } from "./provider-adapters.js";
import { jsonReporter } from "./reporters/json-reporter.js";
import { plainReporter } from "./reporters/plain-reporter.js";
import type { FileSummary, Reporter } from "./reporters/reporter.js";
import { ttyReporter } from "./reporters/tty-reporter.js";

export interface UploadCommandOptions extends UploadFlags {
  json?: boolean;
  sandbox?: boolean;
  checkpointDir: string;
  resume: boolean;
  filesConcurrency?: number;
}

export interface CommandContext {
  env: NodeJS.ProcessEnv;
  /** The arguments after `uploadkit`, to print the command that resumes. */
  argv: string[];
  isTTY: boolean;
}

/** `uploadkit upload <provider> <file...>`: uploads the files, a few at a time; returns the exit code. */
export async function runUploadCommand(
  provider: string,
  files: string[],
  options: UploadCommandOptions,
  context: CommandContext,
): Promise<number> {
  const adapter = adapterFor(provider);
  let sandbox: Sandbox | undefined;
  let flags: UploadFlags;
  if (options.sandbox) {
    // Loaded only here: a real upload never loads the sandbox, its S3 store or the AWS SDK.
    const { startSandbox } = await import("@uploadkit/sandbox");
    sandbox = await startSandbox({ providers: [provider as ProviderName], fanvue: { processingMs: 200 } });
    flags = { ...options, ...adapter.fromSandbox(sandbox) };
  } else {
    flags = resolveCredentials(provider as ProviderName, options, context.env);
  }
  const reporter: Reporter = options.json ? jsonReporter() : context.isTTY ? ttyReporter() : plainReporter();
  const controller = new AbortController();
  const onSigint = () => controller.abort(new Error("interrupted (SIGINT)"));
  process.once("SIGINT", onSigint);
  let failures = 0;
  let skipped = 0;
  let interrupted = false;
  const kept: string[] = [];
  // Files go `--files-concurrency` at a time and share one budget of `--concurrency` parts in flight.
  const budget = new PartBudget(options.concurrency ?? 4);
  const uploadFile = async (file: string): Promise<void> => {
    const size = await stat(file).then(
      (s) => s.size,
      () => 0,
    );
    const report = reporter.file(basename(file), size);
    const checkpoint =
      options.resume && adapter.resumable && !sandbox ? checkpointPath(options.checkpointDir, provider, file) : undefined;
    let last: UploadProgress | undefined;
    const started = performance.now();
    try {
      const outcome: UploadOutcome = await withUploadScope({ budget }, () =>
        adapter.upload(flags, file, {
          signal: controller.signal,
          checkpoint,
          onProgress: (progress) => {
            last = progress;
            report.progress(progress);
          },
        }),
      );
      const seconds = (performance.now() - started) / 1000;
      const summary: FileSummary = {
        provider,
        file,
        size,
        id: outcome.id,
        status: outcome.status,
        parts: last?.partsTotal ?? 1,
        seconds,
        mibPerSecond: size / 1048576 / Math.max(seconds, 0.001),
      };
      if (outcome.status?.startsWith("skipped")) skipped++;
      report.done(summary);
    } catch (error) {
      if (isAbortError(error) && controller.signal.aborted) {
        interrupted = true;
        if (checkpoint) kept.push(checkpoint);
        report.failed("interrupted");
        return;
      }
      failures++;
      report.failed(formatError(error));
    }
  };
  try {
    let next = 0;
    const worker = async () => {
      while (next < files.length && !controller.signal.aborted) await uploadFile(files[next++] as string);
    };
    await Promise.all(Array.from({ length: Math.min(options.filesConcurrency ?? 8, files.length) }, worker));
    if (interrupted) {
      reporter.close();
      const what = kept.length === 1 ? `The checkpoint ${kept[0]} is kept` : `The checkpoints ${kept.join(", ")} are kept`;
      const resume = kept.length > 0 ? `${what}. Resume with:\n  uploadkit ${context.argv.map(quote).join(" ")}` : "";
      process.stderr.write(`Interrupted. ${resume}\n`);
      return EXIT_INTERRUPTED;
    }
  } finally {
    process.removeListener("SIGINT", onSigint);
    if (!interrupted) {
      const uploaded = files.length - failures - skipped;
      const parts = [`${uploaded} uploaded`, skipped ? `${skipped} skipped` : "", failures ? `${failures} failed` : ""];
      reporter.close([`${files.length} file${files.length === 1 ? "" : "s"}: ${parts.filter(Boolean).join(", ")}.`]);
    }
    await sandbox?.stop();
  }
  return failures > 0 ? EXIT_FAILED : EXIT_OK;
}

function quote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

import { createRequire } from "node:module";
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { EXIT_OK, EXIT_SHARED_STATE_LOST, EXIT_USAGE, UsageError } from "./exit-codes.js";
import { PROVIDERS } from "./provider-adapters.js";
import type { UploadCommandOptions } from "./upload-command.js";

const { version } = createRequire(import.meta.url)("../package.json") as { version: string };

function positiveInteger(value: string): number {
  const number = Number(value);
  if (!Number.isSafeInteger(number) || number < 1) throw new InvalidArgumentError("expected a whole number ≥ 1.");
  return number;
}

/** Bytes, or a size with a unit: 8MiB, 5MB, 512KiB, 1GiB. */
export function byteSize(value: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*(B|KB|KiB|MB|MiB|GB|GiB)?$/i.exec(value.trim());
  const units: Record<string, number> = { b: 1, kb: 1e3, kib: 1024, mb: 1e6, mib: 1024 ** 2, gb: 1e9, gib: 1024 ** 3 };
  const bytes = match ? Math.round(Number(match[1]) * (units[(match[2] ?? "b").toLowerCase()] as number)) : Number.NaN;
  if (!Number.isSafeInteger(bytes) || bytes < 1) throw new InvalidArgumentError("expected a size such as 8MiB, 5MB or 10485760.");
  return bytes;
}

export interface ProgramIO {
  env: NodeJS.ProcessEnv;
  isTTY: boolean;
  /** Receives the exit code of the command that ran. */
  exit(code: number): void;
}

export function createProgram(io: ProgramIO): Command {
  const program = new Command("uploadkit")
    .description("Upload media to Fanvue, OFAuth, Record360 and Flowkiwi — resumable, with progress.")
    .version(version)
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride();

  program
    .command("upload")
    .description(
      "Upload files, folders or globs to a provider. Credentials come from flags or the environment. With --journal, run the same command again after any stop: each file is uploaded exactly once.",
    )
    .argument("<provider>", `one of ${PROVIDERS.join(", ")}`)
    .argument("<paths...>", "files, folders (their files; subfolders with --recursive) or globs (quoted: 'shoot/**/*.jpg')")
    .option("--token <token>", "Fanvue, Record360 or Flowkiwi token (env FANVUE_TOKEN, RECORD360_TOKEN, FLOWKIWI_TOKEN)")
    .option("--api-key <key>", "OFAuth API key (env OFAUTH_API_KEY)")
    .option("--connection-id <id>", "OFAuth connection id (env OFAUTH_CONNECTION_ID)")
    .option("--organization-id <id>", "Flowkiwi organisation (env FLOWKIWI_ORGANIZATION_ID)")
    .option("--tenant <handle>", "Flowkiwi instance handle (env FLOWKIWI_TENANT)")
    .option("--base-url <url>", "API base URL (env FANVUE_BASE_URL, OFAUTH_BASE_URL, RECORD360_BASE_URL, FLOWKIWI_BASE_URL)")
    .option("--api-version <version>", "Fanvue API version")
    .option("--name <name>", "Fanvue media name (default: the file name)")
    .addOption(new Option("--media-type <type>", "Fanvue media type").choices(["image", "video", "audio", "document"]))
    .option("--creator <uuid>", "Fanvue: upload on behalf of this creator")
    .option("--content-type <type>", "MIME type (default: sniffed from the file)")
    .option("--part-count <n>", "number of parts (Fanvue, Record360: 1-20)", positiveInteger)
    .option("--part-size <size>", "bytes per part, e.g. 8MiB (Fanvue, Record360)", byteSize)
    .option("--file-id <id>", "Record360 file id (default: a new UUID)")
    .option("--concurrency <n>", "parts in flight, across all files (default 4)", positiveInteger)
    .option("--files-concurrency <n>", "files uploaded at once (default 16)", positiveInteger)
    .option("--wait", "Fanvue: wait until the media is ready")
    .option("--skip-if-exists", "OFAuth: skip files already in the vault")
    .option("-r, --recursive", "upload the files in folders' subfolders too")
    .option(
      "--journal <file|redis://host:port/name>",
      "record every file (identity, provider session, id): a run started again skips files done, resumes the rest; redis://…/<name> joins every process running that name (claims, checkpoints and one rate limit in Redis)",
    )
    .option(
      "--report <file>",
      "write a row per file as it ends: .csv, .json or .jsonl (path, provider id, size, seconds, outcome, attempts)",
    )
    .option("--shard <k/n>", "take only the files whose path hashes to shard k of n (n machines split one library)")
    .option(
      "--max-calls-per-second <n>",
      "never call the API faster than this (your plan's limit; 429s slow the run down anyway)",
      positiveInteger,
    )
    .option("--json", "print one JSON object per file instead of progress")
    .option("--verbose", "log every API call and part attempt to stderr (secrets masked; same as UPLOADKIT_LOG=debug)")
    .option("--sandbox", "upload to a local sandbox started for this command (no account needed)")
    .option("--checkpoint-dir <dir>", "where resumable uploads keep their checkpoints", ".uploadkit")
    .option("--no-resume", "do not keep a checkpoint")
    .action(async (provider: string, paths: string[], options: UploadCommandOptions) => {
      const { runUploadCommand } = await import("./upload-command.js");
      io.exit(await runUploadCommand(provider, paths, options, { env: io.env, argv: process.argv.slice(2), isTTY: io.isTTY }));
    });

  program
    .command("sandbox")
    .description("Run the local sandbox of all four APIs in the foreground (same as pnpm sandbox; --help for its flags).")
    .helpOption(false)
    .allowUnknownOption()
    .allowExcessArguments()
    .argument("[args...]")
    .action(async (args: string[]) => {
      const { runSandbox } = await import("@uploadkit/sandbox");
      await runSandbox(args);
    });

  program
    .command("demo")
    .description("Upload a sample PNG and a 48 MiB MP4 through all four providers via the sandbox, verifying every byte.")
    .option("--dir <dir>", "where to write the sample media", ".uploadkit/demo")
    .action(async (options: { dir: string }) => {
      const { runDemoCommand } = await import("./demo-command.js");
      io.exit(await runDemoCommand({ dir: options.dir, isTTY: io.isTTY }));
    });

  return program;
}

/**
 * Runs the CLI; resolves with the exit code (0 ok, 1 upload failed, 2 usage error, 75 the shared journal lost or
 * unreachable, 130 interrupted).
 */
export async function main(argv: string[], io: Omit<ProgramIO, "exit">): Promise<number> {
  let code = EXIT_OK;
  const program = createProgram({ ...io, exit: (c) => (code = c) });
  try {
    await program.parseAsync(argv, { from: "user" });
    return code;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.code === "commander.helpDisplayed" || error.code === "commander.version" || error.code === "commander.help"
        ? EXIT_OK
        : EXIT_USAGE;
    }
    if (error instanceof UsageError) {
      process.stderr.write(`error: ${error.message}\n`);
      return EXIT_USAGE;
    }
    process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    // A shared journal that cannot be reached at the start: nothing was uploaded; try again once it answers.
    return (error as { code?: string })?.code === "JOURNAL_UNAVAILABLE" ? EXIT_SHARED_STATE_LOST : 1;
  }
}

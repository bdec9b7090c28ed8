import { openFileJournal } from "#runtime";
import { hasMethods } from "../argument-checks.js";
import { InputError } from "../errors.js";
import type { UploadJournal } from "./upload-journal.js";

/**
 * Opens (or creates) an upload journal in a file of JSON lines: appends fsync'd in batches, a torn last line cut off
 * on open, one run at a time (`<file>.lock`). Node only: elsewhere it throws an InputError — pass a store of your own.
 */
export async function fileJournal(path: string): Promise<UploadJournal> {
  return openFileJournal(path);
}

/** The journal an option names: a file path (opened here, closed by the caller), or a store as it is. */
export async function openJournalOption(option: string | UploadJournal): Promise<{ journal: UploadJournal; opened: boolean }> {
  if (typeof option === "string") return { journal: await fileJournal(option), opened: true };
  if (!hasMethods(option, ["get", "append"])) {
    throw new InputError("journal must be a file path or an UploadJournal (get, append).", { code: "INPUT_INVALID" });
  }
  return { journal: option, opened: false };
}

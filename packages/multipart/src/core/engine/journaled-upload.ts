import { openJournalOption } from "../journal/file-journal.js";
import { JournalEntry } from "../journal/journal-entry.js";
import { claimPauseMs, FileClaimedElsewhere } from "../journal/journal-lease.js";
import { sleep } from "../retry-policy.js";
import type { SourceInput } from "../sources/open-source.js";
import type { Transport } from "../transport/transport.js";
import { linkSignals } from "./linked-signal.js";
import { runUpload, type UploadResult } from "./run-upload.js";
import type { UploadAdapter } from "./upload-adapter.js";
import type { CommonUploadOptions } from "./upload-options.js";

/**
 * `uploadMedia` with `journal`: one file through the journaled flow. Held by another worker (a shared journal), it
 * waits a fraction of the lease and asks again, until the other worker finished it (its result, no call) or its
 * lease ran out (this worker takes it over from the checkpoint the journal keeps). A lost lease fails the upload.
 */
export async function journaledUpload<Options extends CommonUploadOptions, Session, Result extends object>(
  adapter: UploadAdapter<Options, Session, Result>,
  transport: Transport,
  input: SourceInput,
  options: Options,
): Promise<UploadResult<Result>> {
  const { journal, ...rest } = options;
  const opened = await openJournalOption(journal as NonNullable<typeof journal>);
  const pauseMs = claimPauseMs(opened.journal.leaseMs);
  try {
    for (;;) {
      const entry = new JournalEntry(opened.journal, adapter.provider, new Set());
      const linked = linkSignals([rest.signal, entry.leaseLost.signal]);
      try {
        return await runUpload(adapter, transport, input, { ...rest, signal: linked.signal } as Options, entry);
      } catch (error) {
        if (entry.leaseLost.signal.aborted) throw entry.leaseLost.signal.reason;
        if (!(error instanceof FileClaimedElsewhere)) throw error;
      } finally {
        entry.end();
        linked.dispose();
      }
      await sleep(pauseMs, rest.signal);
    }
  } finally {
    if (opened.opened) await opened.journal.close?.();
  }
}

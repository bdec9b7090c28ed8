import type { CheckpointStore } from "../checkpoint/checkpoint-store.js";
import { InputError } from "../errors.js";
import type { SourceFingerprint, UploadSource } from "../sources/upload-source.js";
import { FileClaimedElsewhere, JournalLease } from "./journal-lease.js";
import { JOURNAL_VERSION, type JournalRecord, journalKeyOf, sameBytes, type UploadJournal } from "./upload-journal.js";

/**
 * How a journaled file went: `uploaded` (new), `resumed` (in flight in an earlier run, finished from its checkpoint),
 * `changed` (journaled with other bytes: uploaded as a new file), `done` (finished in an earlier run: no call made),
 * `found` (an earlier run crashed before journaling the end; the provider had it, so it was not sent again).
 */
export type JournalStatus = "uploaded" | "resumed" | "changed" | "done" | "found";

/** One file's lines in a journal, for the one upload flow: what an earlier run left, and this run's steps. */
export class JournalEntry {
  /** How this file went (set as the flow decides). */
  status: JournalStatus = "uploaded";
  /** Aborted when this worker's claim on the file is lost (shared journals): the upload stops. */
  readonly leaseLost = new AbortController();
  #lease: JournalLease | undefined;
  #key = "";
  #fingerprint: SourceFingerprint | undefined;
  #prior: JournalRecord | undefined;
  #ids: Record<string, string> | undefined;

  readonly #journal: UploadJournal;
  readonly #provider: string;
  /** Keys being uploaded in this run right now: the same file listed twice is not uploaded twice at once. */
  readonly #inRun: Set<string>;

  constructor(journal: UploadJournal, provider: string, inRun: Set<string>) {
    this.#journal = journal;
    this.#provider = provider;
    this.#inRun = inRun;
  }

  /** Reads what the journal holds for this source. Call `end()` when the upload ends, however it ends. */
  async open(source: UploadSource): Promise<void> {
    const fingerprint = await source.fingerprint();
    const key = journalKeyOf(fingerprint);
    if (key === undefined) {
      throw new InputError(
        `A journal finds files again by path (or a File's name); ${source.description} has neither: upload it without the journal.`,
        { code: "INPUT_JOURNAL_SOURCE" },
      );
    }
    if (this.#inRun.has(key)) {
      throw new InputError(`${source.description} is listed twice in this run; it is uploaded once.`, {
        code: "INPUT_DUPLICATE_FILE",
      });
    }
    this.#inRun.add(key);
    this.#key = key;
    this.#fingerprint = fingerprint;
    let prior = await this.#journal.get(key);
    const finished =
      prior?.state === "done" && prior.provider === this.#provider && prior.source && sameBytes(prior.source, fingerprint);
    if (!finished && this.#journal.claim) {
      const claim = await this.#journal.claim(key);
      if (!claim) {
        this.end();
        throw new FileClaimedElsewhere(key);
      }
      this.#lease = new JournalLease(claim, this.#journal.leaseMs ?? 30_000, this.leaseLost, key);
      // Whoever held it before may have finished it, or left its session: read it again under the claim.
      prior = await this.#journal.get(key);
    }
    if (prior && prior.provider === this.#provider) {
      if (prior.source && sameBytes(prior.source, fingerprint)) {
        this.#prior = prior;
        this.#ids = prior.ids;
      } else {
        this.status = "changed";
      }
    }
  }

  /** The earlier run's finished record of these bytes: nothing to send. */
  get done(): JournalRecord | undefined {
    return this.#prior?.state === "done" ? this.#prior : undefined;
  }

  /** The earlier run's unfinished record of these bytes (its session and ids): finish it, or ask the provider. */
  get inFlight(): JournalRecord | undefined {
    return this.#prior && this.#prior.state !== "done" ? this.#prior : undefined;
  }

  /** Ids chosen by an earlier run for these bytes (reused, so the provider sees one file). */
  get chosenIds(): Record<string, string> | undefined {
    return this.#ids;
  }

  /** Records the file as started, with the ids we chose, before any call that uses them. */
  async started(ids: Record<string, string> | undefined): Promise<void> {
    this.#ids = ids;
    await this.#write("started", ids === undefined ? {} : { ids });
  }

  /** Records the provider's session as soon as it exists. */
  async session(session: unknown): Promise<void> {
    await this.#write("session", { session, ...(this.#ids === undefined ? {} : { ids: this.#ids }) });
  }

  /** Records the file as finished: its id and what the upload resolved with. */
  async finished(id: string, result: Record<string, unknown>): Promise<void> {
    await this.#write("done", { id, result });
  }

  /** Where this file's checkpoint lives when the upload names none (a shared journal keeps it). */
  checkpointStore(): CheckpointStore | undefined {
    return this.#key ? this.#journal.checkpointFor?.(this.#key, this.#provider) : undefined;
  }

  /** Lets the same file be uploaded again in this run (by a later listing of it, which the journal then skips). */
  end(): void {
    this.#lease?.end();
    if (this.#key) this.#inRun.delete(this.#key);
    this.#key = "";
  }

  async #write(state: JournalRecord["state"], fields: Partial<JournalRecord>): Promise<void> {
    if (!this.#fingerprint) return;
    // Only `started` lines carry the identity (the others add to it): a journal of 100,000 files stays small to read.
    const line = { v: JOURNAL_VERSION, key: this.#key, provider: this.#provider, state, ...fields, at: new Date().toISOString() };
    await this.#journal.append(state === "started" ? { ...line, source: this.#fingerprint } : line);
  }
}

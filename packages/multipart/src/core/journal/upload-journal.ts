import type { CheckpointStore } from "../checkpoint/checkpoint-store.js";
import { EDGE_BYTES } from "../sources/edges-hash.js";
import type { SourceFingerprint } from "../sources/upload-source.js";

export const JOURNAL_VERSION = 1 as const;

/**
 * One line of an upload journal. A file's lines, in order: `started` (its identity, and ids we chose, before the
 * call that uses them), `session` (the provider's session as soon as it exists), `done` (the final id and result).
 */
export interface JournalRecord {
  /** The journal format's version (1). */
  v: typeof JOURNAL_VERSION;
  /** The file: its absolute path (a File's name in a browser). */
  key: string;
  /** Which provider the upload is for. */
  provider: string;
  /** Which line: the file started, its provider session, or done. */
  state: "started" | "session" | "done";
  /** What identifies the bytes (size, mtime, SHA-256 of the first and last MiB): on `started` lines (merged states carry it). */
  source?: SourceFingerprint | undefined;
  /** Ids we chose before calling the provider (Record360's `file_id`), reused by a resume. */
  ids?: Record<string, string> | undefined;
  /** The provider's session (ids, plan) on `session` lines. */
  session?: unknown;
  /** The provider's id for the finished upload, on `done` lines. */
  id?: string | undefined;
  /** What `uploadMedia` resolved with, on `done` lines. */
  result?: Record<string, unknown> | undefined;
  /** When the line was written (ISO 8601). */
  at: string;
}

/** A worker's hold on one file of a shared journal: a lease that runs out unless renewed. */
export interface JournalClaim {
  /** Extends the lease; false when it was lost (it ran out and another worker may hold the file now). */
  renew(): Promise<boolean>;
  /** Gives the file up (finished, or failed here: another worker may take it at once). */
  release(): Promise<void>;
}

/**
 * Where a bulk upload records each file, so a run started again uploads every file exactly once. `append` must be
 * durable (resolve once the record is on stable storage) and atomic per record (a crash leaves whole records, or a
 * torn last one that the next open ignores). `fileJournal(path)` is the file-backed store (Node).
 */
export interface UploadJournal {
  /** How messages name this journal (e.g. its path). */
  readonly description: string;
  /** The latest state of `key` (its lines merged), or undefined when the journal has none. */
  get(key: string): JournalRecord | undefined | Promise<JournalRecord | undefined>;
  /** Records one line durably. */
  append(record: JournalRecord): Promise<void>;
  /** Optional: flushes and lets another run open it. */
  close?(): Promise<void>;
  /**
   * Optional, for a journal many workers share (`redisJournal` of `@uploadkit/redis`): claims `key` for this worker
   * before it is uploaded, with a lease renewed every `leaseMs / 3` while it uploads; undefined while another worker
   * holds it (the file waits, and is taken over when that worker's lease runs out).
   */
  claim?(key: string): Promise<JournalClaim | undefined>;
  /** How long a claim lasts without renewal (ms). */
  readonly leaseMs?: number | undefined;
  /**
   * Optional: where a file's checkpoint lives when the upload names none — beside a shared journal, so the worker
   * that takes a file over resumes its provider session from the parts already stored.
   */
  checkpointFor?(key: string, provider: string): CheckpointStore;
}

/** A file's state after one more line: `started` begins it afresh, the others add to it. */
export function mergeRecord(before: JournalRecord | undefined, line: JournalRecord): JournalRecord {
  if (line.state === "started" || !before) return line;
  if (line.state === "session") return { ...before, ...line, ids: line.ids ?? before.ids };
  // A finished file keeps only what a later run reads: its identity, id and result.
  const { session: _session, ...done } = { ...before, ...line };
  return done;
}

/**
 * The same bytes as journaled: same size and edge SHA-256, and the same mtime — except that a file of ≤ 2 MiB, whose
 * edges are all of it, is the same whatever its mtime (a `touch` or a copy does not make it new).
 */
export function sameBytes(journaled: SourceFingerprint, now: SourceFingerprint): boolean {
  if (journaled.size !== now.size || journaled.edgesSha256 !== now.edgesSha256) return false;
  return journaled.mtimeMs === now.mtimeMs || now.size <= 2 * EDGE_BYTES;
}

/** The key a source is journaled by: its path, or a File's name; undefined for bytes and streams. */
export function journalKeyOf(fingerprint: SourceFingerprint): string | undefined {
  return fingerprint.path ?? fingerprint.name;
}

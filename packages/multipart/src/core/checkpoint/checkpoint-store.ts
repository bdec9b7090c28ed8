import type { SourceFingerprint } from "../sources/upload-source.js";
import type { CompletedPart } from "../upload/completed-part.js";

export const CHECKPOINT_VERSION = 1 as const;

/** What a resumable upload records. Versioned JSON; `session` is the provider's own data. */
export interface Checkpoint<Session = unknown> {
  /** The checkpoint format's version (1). */
  version: typeof CHECKPOINT_VERSION;
  /** Which flow wrote it (e.g. "fanvue"), so another provider's checkpoint is never resumed. */
  provider: string;
  /** What identifies the source's bytes; a checkpoint for other bytes is refused. */
  source: SourceFingerprint;
  /** The provider's session (ids, part URLs, plan), as its adapter recorded it. */
  session: Session;
  /** Every finished part: number, ETag and the MD5 of the bytes sent. */
  parts: CompletedPart[];
  /** When the session was created (ISO 8601). */
  createdAt: string;
  /** When the checkpoint was last written (ISO 8601). */
  updatedAt: string;
}

/** Where checkpoints live. `save` must be atomic: a crash leaves the old or the new checkpoint, never half of one. */
export interface CheckpointStore {
  /** The stored checkpoint, or undefined when there is none. */
  load(): Promise<Checkpoint | undefined>;
  /** Stores `checkpoint` atomically, replacing the previous one. */
  save(checkpoint: Checkpoint): Promise<void>;
  /** Removes the checkpoint (the upload finished). */
  clear(): Promise<void>;
  /** How messages name this store (e.g. its path). */
  readonly description: string;
  /**
   * Optional: takes the store for one upload at a time, resolving with its release; throws a CheckpointError
   * (code CHECKPOINT_LOCKED) while another upload holds it. The file store locks; a store without it does not.
   */
  lock?(): Promise<() => Promise<void>>;
}

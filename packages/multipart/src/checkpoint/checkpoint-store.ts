import type { SourceFingerprint } from "../sources/upload-source.js";
import type { CompletedPart } from "../upload/upload-parts.js";

export const CHECKPOINT_VERSION = 1 as const;

/** What a resumable upload records. Versioned JSON; `session` is the provider's own data. */
export interface Checkpoint<Session = unknown> {
  version: typeof CHECKPOINT_VERSION;
  /** Which flow wrote it (e.g. "fanvue"), so another provider's checkpoint is never resumed. */
  provider: string;
  source: SourceFingerprint;
  session: Session;
  parts: CompletedPart[];
  createdAt: string;
  updatedAt: string;
}

/** Where checkpoints live. `save` must be atomic: a crash leaves the old or the new checkpoint, never half of one. */
export interface CheckpointStore {
  load(): Promise<Checkpoint | undefined>;
  save(checkpoint: Checkpoint): Promise<void>;
  clear(): Promise<void>;
  /** How messages name this store (e.g. its path). */
  readonly description: string;
  /**
   * Optional: takes the store for one upload at a time, resolving with its release; throws a CheckpointError
   * (code CHECKPOINT_LOCKED) while another upload holds it. The file store locks; a store without it does not.
   */
  lock?(): Promise<() => Promise<void>>;
}

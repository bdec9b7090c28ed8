import { isDeepStrictEqual } from "node:util";
import { CheckpointError, SourceChangedError } from "../errors.js";
import type { SourceFingerprint, UploadSource } from "../sources/upload-source.js";
import { type CompletedPart, type UploadPartsOptions, uploadParts } from "../upload/upload-parts.js";
import { CHECKPOINT_VERSION, type Checkpoint, type CheckpointStore } from "./checkpoint-store.js";
import { fileCheckpointStore } from "./file-checkpoint-store.js";

/** A checkpoint file path, or a store of your own. */
export type CheckpointOption = string | CheckpointStore;

/**
 * Glue between a provider flow and its checkpoint: tells the flow whether a session can be
 * resumed, records the session and each finished part (saves are serialised), and clears it
 * when the upload is complete. Without a store every method is a no-op.
 */
export class ResumableSession<Session> {
  private constructor(
    private readonly store: CheckpointStore | undefined,
    private readonly provider: string,
    private readonly fingerprint: SourceFingerprint | undefined,
    private checkpoint: Checkpoint<Session> | undefined,
  ) {}

  /** Loads the checkpoint; throws SourceChangedError if it belongs to other bytes, CheckpointError if to another provider. */
  static async open<Session>(
    option: CheckpointOption | undefined,
    provider: string,
    source: UploadSource,
  ): Promise<ResumableSession<Session>> {
    if (option === undefined) return new ResumableSession<Session>(undefined, provider, undefined, undefined);
    const store = typeof option === "string" ? fileCheckpointStore(option) : option;
    const fingerprint = await source.fingerprint();
    const existing = (await store.load()) as Checkpoint<Session> | undefined;
    if (existing) {
      if (existing.provider !== provider) {
        throw new CheckpointError(
          `The checkpoint ${store.description} is for a ${existing.provider} upload, not ${provider}; use another checkpoint.`,
          { code: "CHECKPOINT_PROVIDER" },
        );
      }
      if (!isDeepStrictEqual(existing.source, fingerprint)) {
        throw new SourceChangedError(
          `The checkpoint ${store.description} was made for other bytes than the ${source.description} (${describeDifference(existing.source, fingerprint)}). Delete the checkpoint to upload this file from the start.`,
          { code: "CHECKPOINT_SOURCE_CHANGED" },
        );
      }
    }
    return new ResumableSession(store, provider, fingerprint, existing);
  }

  /** The session to resume, if the checkpoint has one. */
  get session(): Session | undefined {
    return this.checkpoint?.session;
  }

  get completed(): CompletedPart[] {
    return [...(this.checkpoint?.parts ?? [])];
  }

  private writes: Promise<void> = Promise.resolve();

  /** Records a newly created session (before any part is sent) and returns it. */
  async start(session: Session): Promise<Session> {
    if (!this.store || !this.fingerprint) return session;
    const now = new Date().toISOString();
    this.checkpoint = {
      version: CHECKPOINT_VERSION,
      provider: this.provider,
      source: this.fingerprint,
      session,
      parts: [],
      createdAt: now,
      updatedAt: now,
    };
    await this.persist();
    return session;
  }

  async recordPart(part: CompletedPart): Promise<void> {
    if (!this.checkpoint) return;
    const parts = this.checkpoint.parts.filter((p) => p.partNumber !== part.partNumber);
    parts.push(part);
    parts.sort((a, b) => a.partNumber - b.partNumber);
    this.checkpoint = { ...this.checkpoint, parts, updatedAt: new Date().toISOString() };
    await this.persist();
  }

  /**
   * uploadParts, resuming from this checkpoint: finished parts are skipped, each new one is recorded
   * before it counts as done.
   */
  uploadParts(options: Omit<UploadPartsOptions, "completed" | "onPartUploaded">): Promise<CompletedPart[]> {
    return uploadParts({ ...options, completed: this.completed, onPartUploaded: (part) => this.recordPart(part) });
  }

  async clear(): Promise<void> {
    await this.writes;
    this.checkpoint = undefined;
    await this.store?.clear();
  }

  private persist(): Promise<void> {
    const snapshot = this.checkpoint;
    const store = this.store;
    const write = this.writes.then(() => (snapshot && store ? store.save(snapshot) : undefined));
    this.writes = write.catch(() => {});
    return write;
  }
}

function describeDifference(before: SourceFingerprint, now: SourceFingerprint): string {
  if (before.size !== now.size) return `size ${before.size} → ${now.size} bytes`;
  if (before.path !== now.path) return `path ${before.path} → ${now.path}`;
  if (before.mtimeMs !== now.mtimeMs) return "the file was modified";
  return "its content differs";
}

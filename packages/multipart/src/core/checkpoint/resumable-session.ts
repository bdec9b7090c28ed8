import { checkpointStoreFor, inlineHash } from "#runtime";
import { hasMethods } from "../argument-checks.js";
import { CheckpointError, InputError, SourceChangedError, throwIfAborted } from "../errors.js";
import type { Part } from "../plan-parts.js";
import type { SourceFingerprint, UploadSource } from "../sources/upload-source.js";
import { type CompletedPart, sendParts, type UploadPartsOptions } from "../upload/upload-parts.js";
import { CHECKPOINT_VERSION, type Checkpoint, type CheckpointStore } from "./checkpoint-store.js";
import { parseCheckpoint } from "./parse-checkpoint.js";

/** A checkpoint file path (Node), an IndexedDB key (web runtimes), or a store of your own. */
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
    private readonly unlock: (() => Promise<void>) | undefined,
  ) {}

  /**
   * Loads the checkpoint; throws SourceChangedError if it belongs to other bytes, CheckpointError if to another
   * provider. With `{ lock: true }` it first takes the store's lock, so a second upload on the same checkpoint gets a
   * CheckpointError (code CHECKPOINT_LOCKED); then call `release()` when the upload ends, however it ends.
   */
  static async open<Session>(
    option: CheckpointOption | undefined,
    provider: string,
    source: UploadSource,
    options: { lock?: boolean } = {},
  ): Promise<ResumableSession<Session>> {
    if (option === undefined) return new ResumableSession<Session>(undefined, provider, undefined, undefined, undefined);
    const store = ResumableSession.storeOf(option);
    const unlock = options.lock ? await store.lock?.() : undefined;
    try {
      const fingerprint = await source.fingerprint();
      const loaded = await store.load();
      // Whatever the store, every field the engine reads is checked (the file store already parsed it this way).
      const existing =
        loaded === undefined ? undefined : (parseCheckpoint(JSON.stringify(loaded), store.description) as Checkpoint<Session>);
      ResumableSession.assertFor(existing, store, provider, source, fingerprint);
      return new ResumableSession(store, provider, fingerprint, existing, unlock);
    } catch (error) {
      await unlock?.();
      throw error;
    }
  }

  /** The store a `checkpoint` option names: a file (Node) or IndexedDB key (web) for a string, else the store itself. */
  static storeOf(option: CheckpointOption): CheckpointStore {
    if (typeof option === "string" && option.length > 0) return checkpointStoreFor(option);
    if (typeof option !== "string" && hasMethods(option, ["load", "save", "clear"])) return option;
    throw new InputError(
      "checkpoint must be a file path (in a page: an IndexedDB key) or a CheckpointStore with load, save and clear.",
      { code: "INPUT_INVALID" },
    );
  }

  private static assertFor<Session>(
    existing: Checkpoint<Session> | undefined,
    store: CheckpointStore,
    provider: string,
    source: UploadSource,
    fingerprint: SourceFingerprint,
  ): void {
    if (existing) {
      if (existing.provider !== provider) {
        throw new CheckpointError(
          `The checkpoint ${store.description} is for a ${existing.provider} upload, not ${provider}; use another checkpoint.`,
          { code: "CHECKPOINT_PROVIDER" },
        );
      }
      if (!sameFingerprint(existing.source, fingerprint)) {
        throw new SourceChangedError(
          `The checkpoint ${store.description} was made for other bytes than the ${source.description} (${describeDifference(existing.source, fingerprint)}). Delete the checkpoint to upload this file from the start.`,
          { code: "CHECKPOINT_SOURCE_CHANGED" },
        );
      }
    }
  }

  /** Lets another upload take the checkpoint. */
  async release(): Promise<void> {
    await this.writes;
    await this.unlock?.();
  }

  /** The session to resume, if the checkpoint has one. */
  get session(): Session | undefined {
    return this.checkpoint?.session;
  }

  /** The parts the checkpoint records as finished. */
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

  /** Records a finished part (saves are serialised) before it counts as done. */
  async recordPart(part: CompletedPart): Promise<void> {
    if (!this.checkpoint) return;
    const parts = this.checkpoint.parts.filter((p) => p.partNumber !== part.partNumber);
    parts.push(part);
    parts.sort((a, b) => a.partNumber - b.partNumber);
    this.checkpoint = { ...this.checkpoint, parts, updatedAt: new Date().toISOString() };
    await this.persist();
  }

  /**
   * uploadParts, resuming from this checkpoint: finished parts the source provably still holds are skipped (see
   * `provenParts`), each new one is recorded before it counts as done.
   */
  async uploadParts(
    options: Omit<UploadPartsOptions, "completed" | "onPartUploaded"> & {
      /** Also awaited for each part stored, after it is recorded and before it counts as done. */
      onPartRecorded?: ((part: CompletedPart) => void | Promise<void>) | undefined;
    },
  ): Promise<CompletedPart[]> {
    const completed = await this.provenParts(options.source, options.parts, options.signal);
    const recorded = this.checkpoint?.parts.length ?? 0;
    if (recorded > 0) {
      options.transport?.log.info(
        `resuming the ${this.provider} upload from ${this.store?.description}: ${completed.length} of ${recorded} finished parts verified, ${options.parts.length - completed.length} to send`,
      );
    }
    const { onPartRecorded, ...rest } = options;
    return sendParts({
      ...rest,
      completed,
      onPartUploaded: async (part) => {
        await this.recordPart(part);
        await onPartRecorded?.(part);
      },
    });
  }

  /**
   * The checkpoint's finished parts whose bytes the source still has: each is read again and its MD5 compared with
   * the one recorded when it was sent (cheaper than sending it). A part that differs, or was recorded without an
   * MD5, is sent again; so is every part of a stream, which cannot be read twice. Resume never stitches other bytes.
   */
  private async provenParts(source: UploadSource, parts: Part[], signal: AbortSignal | undefined): Promise<CompletedPart[]> {
    const recorded = this.checkpoint?.parts ?? [];
    const planned = new Map(parts.map((part) => [part.partNumber, part]));
    for (const done of recorded) {
      if (!planned.has(done.partNumber)) {
        throw new CheckpointError(
          `The checkpoint ${this.store?.description} records part ${done.partNumber}, which is not in the plan of ${parts.length} parts; delete it to start over.`,
          { code: "CHECKPOINT_CORRUPT" },
        );
      }
    }
    if (source.kind === "stream") return [];
    const proven: CompletedPart[] = [];
    for (const done of recorded) {
      throwIfAborted(signal);
      if (!done.md5) continue;
      const body = await source.partBody(planned.get(done.partNumber) as Part);
      const hash = inlineHash("md5");
      let digest: string;
      try {
        for await (const chunk of body.open()) {
          const wait = hash.update(chunk);
          if (wait) await wait;
        }
        digest = await hash.digest();
      } catch (error) {
        hash.discard();
        throw error;
      } finally {
        body.release();
      }
      if (digest === done.md5) proven.push(done);
    }
    return proven;
  }

  /** Waits for pending saves, then removes the checkpoint. */
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

/** The same fields with the same values (JSON-shaped: a stored fingerprint has no undefined fields). */
function sameFingerprint(before: SourceFingerprint, now: SourceFingerprint): boolean {
  const fields = (value: SourceFingerprint) =>
    Object.entries(value)
      .filter(([, field]) => field !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : 1));
  return JSON.stringify(fields(before)) === JSON.stringify(fields(now));
}

function describeDifference(before: SourceFingerprint, now: SourceFingerprint): string {
  if (before.size !== now.size) return `size ${before.size} → ${now.size} bytes`;
  if (before.path !== now.path) return `path ${before.path} → ${now.path}`;
  if (before.name !== now.name) return `name ${before.name} → ${now.name}`;
  if (before.mtimeMs !== now.mtimeMs) return "the file was modified";
  return "its content differs";
}

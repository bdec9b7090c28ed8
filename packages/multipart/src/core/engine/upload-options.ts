import { assertOptions, type OptionKind } from "../argument-checks.js";
import { type CheckpointOption, ResumableSession } from "../checkpoint/resumable-session.js";
import { InputError } from "../errors.js";
import type { UploadJournal } from "../journal/upload-journal.js";
import { assertNameAndType } from "../sources/mime-type.js";
import type { TransportEvent } from "../transport/transport-options.js";
import type { ProgressListener } from "../upload/progress.js";

/** The options every provider's `uploadMedia` takes. */
export interface CommonUploadOptions {
  /** Aborts the upload: requests in flight stop at once and the promise rejects with an AbortError. */
  signal?: AbortSignal | undefined;
  /** Called as bytes are sent (at most every 100 ms) and as each part finishes. */
  onProgress?: ProgressListener | undefined;
  /** Called before each retry during this upload, besides the client's own `onRetry`. */
  onRetry?: ((event: TransportEvent) => void) | undefined;
  /** A checkpoint file path (or store): an interrupted upload rerun with it sends only the missing parts. */
  checkpoint?: CheckpointOption | undefined;
  /** Parts in flight at once. Default 4. */
  concurrency?: number | undefined;
  /** The MIME type. Default: sniffed from the bytes, else from the file name's extension. */
  contentType?: string | undefined;
  /** The file name the provider records. Default: the path's base name, a File's name, or `upload.<ext>`. */
  filename?: string | undefined;
  /**
   * `uploadMedia` only (`uploadMany`/`uploadEach` take it in their own options): journal this file — a path (a file
   * of JSON lines) or a store (`redisJournal` for many workers: the file is claimed, its checkpoint kept in the
   * journal, and a file another worker holds is waited for, then found done or taken over). A file journaled done
   * with the same bytes makes no call.
   */
  journal?: string | UploadJournal | undefined;
}

/** Part-plan options, for providers whose client chooses the plan. */
export interface PartPlanOptions {
  /** Bytes per part (the last part may be smaller). */
  partSize?: number | undefined;
  /** Number of parts, of equal size (the last may be a byte smaller). */
  partCount?: number | undefined;
}

/** Every option the engine knows by name; a provider lists those it cannot honour. */
export type EngineOptionName = keyof CommonUploadOptions | keyof PartPlanOptions;

/** What every provider's upload result carries, beside the provider's own record. */
export interface UploadResultCore {
  /** The provider's id for what was uploaded (media uuid, upload id, file id, media id). */
  id: string;
  /** `"fanvue"`, `"ofauth"`, `"record360"` or `"flowkiwi"`. */
  provider: string;
  /** Bytes uploaded. */
  size: number;
  /** The MIME type the file was uploaded as. */
  contentType: string;
}

/** Every option the engine knows and what it must be, as a record so the compiler holds it to `EngineOptionName`. */
const ENGINE_OPTIONS: Readonly<Record<EngineOptionName, OptionKind>> = {
  signal: "signal",
  onProgress: "function",
  onRetry: "function",
  checkpoint: true,
  concurrency: 1,
  contentType: true,
  filename: true,
  journal: true,
  partSize: 1,
  partCount: 1,
};

/**
 * Checks one upload's options before anything is opened or sent: an object, of names the engine or the provider
 * knows (`ownOptions`: a misspelt `checkpiont` would otherwise upload without a checkpoint), none the provider cannot
 * honour, each of the right kind.
 */
export function assertUploadOptions(
  provider: string,
  options: unknown,
  ownOptions: Readonly<Record<string, OptionKind>>,
  unsupported: Partial<Record<EngineOptionName, string>> | undefined,
): void {
  assertOptions(options, `${provider} upload options`, { ...ENGINE_OPTIONS, ...ownOptions });
  if (options === undefined) return;
  assertSupported(provider, options, unsupported);
  assertCommonValues(options);
}

function assertCommonValues(options: CommonUploadOptions): void {
  assertNameAndType(options);
  if (options.checkpoint !== undefined) ResumableSession.storeOf(options.checkpoint);
}

/** Refuses, naming the option and what to do instead, every option this provider cannot honour. */
export function assertSupported(
  provider: string,
  options: Record<string, unknown>,
  unsupported: Partial<Record<EngineOptionName, string>> | undefined,
): void {
  for (const [name, instead] of Object.entries(unsupported ?? {})) {
    if (options[name] !== undefined) {
      throw new InputError(`${provider} uploads do not support the ${name} option: ${instead}`, {
        code: "INPUT_UNSUPPORTED_OPTION",
      });
    }
  }
}

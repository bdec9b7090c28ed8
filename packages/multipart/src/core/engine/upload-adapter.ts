import type { OptionKind } from "../argument-checks.js";
import type { Part } from "../plan-parts.js";
import type { UploadSource } from "../sources/upload-source.js";
import type { SentAnswer, Verdict } from "../transport/transport.js";
import type { CompletedPart } from "../upload/completed-part.js";
import type { TargetResolver } from "../upload/part-target.js";
import type { CommonUploadOptions, EngineOptionName } from "./upload-options.js";

/** What an adapter's steps are given. */
export interface FlowContext<Options> {
  source: UploadSource;
  options: Options;
  signal: AbortSignal | undefined;
}

/** The bytes in one request (OFAuth's single PUT, Flowkiwi's form-data POST). */
export interface SingleRequest<Result> {
  url: string;
  method: "PUT" | "POST";
  headers?: Record<string, string> | undefined;
  /** Send the client's credentials (the URL must be on the API origin). */
  credentials?: boolean | undefined;
  /** Framing around the file's bytes (multipart/form-data). */
  head?: Uint8Array | undefined;
  tail?: Uint8Array | undefined;
  digests?: readonly ("md5" | "sha256")[] | undefined;
  /** May be sent again after it may have reached the server. */
  repeatable: boolean;
  responseLimit?: number | undefined;
  accept(answer: SentAnswer): Verdict<Result>;
  /** After a failure the server may have acted on: its result if it did, "resend" if it did not (see BodyRequest). */
  settle?(): Promise<{ value: Result } | "resend">;
}

export type Transfer<Result> =
  | { parts: Part[]; target: TargetResolver; checksum?: boolean | undefined }
  | { single: SingleRequest<Result> };

/**
 * What a provider supplies to the one upload flow (`runUpload`): its limits and checks, its calls, how part targets
 * are obtained, and how its answers map to the result. Everything else — options, source, checkpoint, plan, parts,
 * retries, progress, abort, integrity — is the engine's.
 */
export interface UploadAdapter<Options extends CommonUploadOptions, Session, Result> {
  readonly provider: string;
  /**
   * The names of this provider's own `uploadMedia` options, beside the engine's (`EngineOptionName`): any other name
   * is refused as a typo before anything is opened. A record, so the compiler holds it to the options' type.
   */
  readonly ownOptions: Readonly<Record<Exclude<keyof Options, EngineOptionName>, OptionKind>>;
  /** Options of the engine this provider cannot honour, each with what to do instead (refused before any call). */
  readonly unsupported?: Partial<Record<EngineOptionName, string>> | undefined;
  /**
   * The parts go to the API with the client's credential (not to presigned URLs): an upload route relays them
   * instead of handing their targets to the page.
   */
  readonly relay?: boolean | undefined;
  /** Refuse 0-byte files. Default true. */
  readonly rejectEmpty?: boolean | undefined;
  /** Checks options against the opened source; throws an InputError. */
  validate?(source: UploadSource, options: Options): void;
  /** Checks every field of a checkpointed session (see `checkpointChecks`); throws a CheckpointError. */
  checkSession?(session: Session, description: string): void;
  /** Refuses a checkpointed session these options contradict. */
  checkResume?(session: Session, options: Options): void;
  /** The client's part plan (omit when the provider plans). `resumed`: the checkpointed session. */
  plan?(source: UploadSource, options: Options, resumed: Session | undefined): Part[];
  /**
   * Ids we choose ourselves before calling the provider (Record360's `file_id`), as options: a journal records them
   * before the call that uses them, and a run started again reuses them, so the provider sees one file.
   */
  chooseIds?(options: Options): Record<string, string> | undefined;
  /**
   * For a journal: did an upload an earlier run left unfinished (crashed between the provider's answer and the
   * journal's line) finish at the provider? Its result if so, undefined if not (it is then resumed or sent again).
   * `journaled` holds what the journal recorded: the session, if it was created, and the ids we chose.
   */
  lookup?(
    context: FlowContext<Options>,
    journaled: { session?: Partial<Session> | undefined; ids?: Record<string, string> | undefined },
  ): Promise<Result | undefined>;
  /**
   * What of a session the journal records (default: all of it): the ids `lookup` needs, not part URLs, which expire
   * and would make every line long.
   */
  journalSession?(session: Session): unknown;
  /** Before a new session: may settle the upload without sending the bytes (already stored). */
  preflight?(context: FlowContext<Options>): Promise<Result | undefined>;
  /** Opens the upload at the provider. */
  create?(context: FlowContext<Options>, parts: Part[] | undefined): Promise<Session>;
  /** How this session's bytes go. */
  transfer(context: FlowContext<Options>, session: Session, parts: Part[] | undefined): Transfer<Result>;
  /** Told of each part stored (after the checkpoint records it), before it counts as done. */
  partDone?(context: FlowContext<Options>, session: Session, part: CompletedPart): Promise<void>;
  /** Finishes a multipart session with every part's ETag, in order. */
  complete?(context: FlowContext<Options>, session: Session, parts: CompletedPart[]): Promise<Result>;
  /** After completion, before the result (e.g. wait until processed). */
  finish?(context: FlowContext<Options>, session: Session, record: Result): Promise<Result>;
  /** The id the common result core carries. */
  idOf(record: Result, session: Session | undefined): string;
  /**
   * What the provider reports it stored (Record360's `filesize`, Flowkiwi's `mimeType`): an upload route compares
   * it with what the page declared and refuses a mismatch.
   */
  stored?(record: Result): { size?: number | undefined; contentType?: string | undefined };
  /** Deletes what an upload stored, where the provider has a delete (an upload route's refused upload). */
  remove?(context: FlowContext<Options>, session: Session | undefined, record: Result): Promise<void>;
}

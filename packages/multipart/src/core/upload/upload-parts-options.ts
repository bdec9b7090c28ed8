import type { Part } from "../plan-parts.js";
import type { RetryOptions } from "../retry-policy.js";
import type { UploadSource } from "../sources/upload-source.js";
import type { DispatcherLike } from "../transport/dispatcher-like.js";
import type { Transport } from "../transport/transport.js";
import type { Logger, LogLevel } from "../transport/transport-log.js";
import type { RetryEvent } from "../transport/transport-options.js";
import type { CompletedPart } from "./completed-part.js";
import type { TargetResolver } from "./part-target.js";
import type { ProgressListener } from "./progress.js";

/** Options of `uploadParts`. */
export interface UploadPartsOptions {
  /** The opened source (`openSource`). */
  source: UploadSource;
  /** The plan (`planParts`). */
  parts: Part[];
  /** Where each part goes. */
  target: TargetResolver;
  /** Parts in flight at once. Default 4. */
  concurrency?: number | undefined;
  /** How failed parts are retried (default DEFAULT_RETRY). */
  retry?: RetryOptions | undefined;
  /** Aborts every part in flight at once. */
  signal?: AbortSignal | undefined;
  /** Progress reports. */
  onProgress?: ProgressListener | undefined;
  /** Parts already uploaded (from a checkpoint): skipped, counted as done. */
  completed?: readonly CompletedPart[] | undefined;
  /** Awaited after each part is stored, before it counts as done (write the checkpoint here). */
  onPartUploaded?: ((part: CompletedPart) => void | Promise<void>) | undefined;
  /** Called before each part is retried. */
  onRetry?: ((event: RetryEvent) => void) | undefined;
  /**
   * Compare MD5 ETags (plain, quoted or weak `W/"…"`) with the MD5 of the bytes sent. Default: the transport's
   * `checksum`, else true. Stores whose ETags are not MD5s (SSE-KMS, SSE-C: told by their headers) and ETags that are
   * no MD5 are not compared; a warning says so.
   */
  checksum?: boolean | undefined;
  /** A part with no bytes moving for this long is aborted and retried. Default 30 s. */
  stallTimeoutMs?: number | undefined;
  /** The only origin credential headers may be sent to (the provider's API). */
  credentialOrigin?: string | undefined;
  /** The undici dispatcher to send on (default: one shared keep-alive Agent). */
  dispatcher?: DispatcherLike | undefined;
  /** Where the transport logs (see ClientTransportOptions.logger). Default `console`. */
  logger?: Logger | undefined;
  /** Default `warn`, or `UPLOADKIT_LOG`. */
  logLevel?: LogLevel | undefined;
  /**
   * The transport to send on (a provider client's, with its credentials and policy). When given, `retry`,
   * `stallTimeoutMs`, `onRetry`, `credentialOrigin` and `dispatcher` come from it.
   */
  transport?: Transport | undefined;
}

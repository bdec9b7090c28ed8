import type { CheckpointStore } from "../checkpoint/checkpoint-store.js";
import type { UploadJournal } from "../journal/upload-journal.js";
import type { UploadSource } from "../sources/upload-source.js";
import type { PartBudget } from "../transport/part-budget.js";
import type { TransportEvent } from "../transport/transport-options.js";

/**
 * What the runtime-free core asks of the runtime it runs on. `#runtime` (package.json `imports`) resolves to
 * `src/node/runtime.ts` under the `node` condition and to `src/web/runtime.ts` under `browser`, `worker` and
 * everything else; both export exactly these names (checked by `test/runtime-parts.test.ts`).
 */

/** A running digest of bytes added in order. */
export interface RunningHash {
  /** Adds bytes. A returned promise means "wait before adding more" (back-pressure). */
  update(chunk: Uint8Array): undefined | Promise<void>;
  /** The hex digest of everything added. */
  digest(): Promise<string>;
  /** Drops the hash without a digest (the attempt failed). */
  discard(): void;
}

export type HashAlgorithm = "md5" | "sha256";

/** One HTTP request, sent once, never following a redirect. */
export interface HttpAttempt {
  url: string;
  method: string;
  headers: Record<string, string>;
  /** The body as chunks, metered and hashed as they are read. */
  body?: AsyncIterable<Uint8Array> | undefined;
  /**
   * The same body as a Blob, where the source has one (web runtimes send it as it is: browsers stream a request
   * body only over HTTP/2, and a Blob is read from disk without passing through script). When the attempt sends
   * the Blob it reports the bytes with `sent` instead of reading `body`.
   */
  blob?: Blob | undefined;
  /** Bytes of `blob` sent so far, in all (called as they go where the runtime tells, else once at the end). */
  sent?: ((total: number) => void) | undefined;
  signal: AbortSignal;
}

/** The head of an answer, and its body to read. */
export interface HttpAnswer {
  status: number;
  headers: Headers;
  /** The answer's body; read it (bounded) or `discard()` it. */
  body: AsyncIterable<Uint8Array>;
  discard(): void;
}

/** How `httpAttempt` sends: the caller's `fetch`, or (Node) an undici dispatcher. */
export interface HttpVia {
  dispatcher?: unknown;
  fetch?: typeof fetch | undefined;
}

/** What one `uploadMedia` call adds to its client's transport: listeners that see only that upload's requests. */
export interface UploadScope {
  onRetry?: ((event: TransportEvent) => void) | undefined;
  /** The part slots this upload shares with others running beside it (uploadMany). */
  budget?: PartBudget | undefined;
}

/** Options of a runtime's file source. */
export interface FileSourceOptions {
  filename?: string | undefined;
  contentType?: string | undefined;
}

/** The runtime's parts, as one type (both runtime modules are checked against it). */
export interface RuntimeParts {
  /** Which runtime this is. */
  readonly runtimeName: "node" | "web";
  httpAttempt(attempt: HttpAttempt, via: HttpVia): Promise<HttpAnswer>;
  /** The dispatcher body uploads run on when the caller gave none (Node: one shared keep-alive agent). */
  defaultDispatcher(): unknown;
  /** A running hash on the calling thread (small or one-off digests: a fingerprint's edges, a resume's proof). */
  inlineHash(algorithm: HashAlgorithm): RunningHash;
  /** A running hash, its work off the calling thread where the runtime allows. */
  startHash(algorithm: HashAlgorithm): RunningHash;
  /**
   * Starts what hashing off the calling thread needs (Node's worker threads, the browser's Web Worker) if it has not
   * started, so an upload's first digests do not wait for it; called as an upload with integrity checks begins.
   */
  warmHashing(): void;
  /** A digest of a Blob's bytes read by the hasher itself (a Web Worker where one starts). */
  hashBlob(blob: Blob, algorithm: HashAlgorithm): { digest(): Promise<string>; discard(): void };
  /** A file by path (Node); web runtimes refuse with an InputError naming what to give instead. */
  openFileSource(path: string, options: FileSourceOptions): Promise<UploadSource>;
  /** A `file:` URL's path (Node); web runtimes refuse. */
  fileUrlToPath(url: string): string;
  /** The MIME type the first bytes show, if any. */
  sniffContentType(head: Uint8Array): Promise<string | undefined>;
  /** The MIME type a file name's extension says, if known. */
  contentTypeOfName(filename: string): Promise<string | undefined>;
  /** The usual extension of a MIME type, if known. */
  extensionOfType(contentType: string): Promise<string | undefined>;
  /** A checkpoint in a JSON file (Node); web runtimes refuse with an InputError naming IndexedDB. */
  fileCheckpointStore(path: string): CheckpointStore;
  /** An upload journal in a file of JSON lines (Node); web runtimes refuse with an InputError naming `UploadJournal`. */
  openFileJournal(path: string): Promise<UploadJournal>;
  /** Where `checkpoint: "<string>"` keeps a checkpoint: a file (Node) or IndexedDB under that key (web). */
  checkpointStoreFor(name: string): CheckpointStore;
  /** A Fetch-API handler as a node:http / Express handler (Node); web runtimes refuse with an InputError. */
  toNodeHandler(handler: (request: Request) => Promise<Response>): (req: unknown, res: unknown) => Promise<void>;
  /** Runs `work` with `scope` active for every request it makes. */
  runInScope<T>(scope: UploadScope, work: () => Promise<T>): Promise<T>;
  /** The scope of the upload making the current request, if known. */
  currentScope(): UploadScope | undefined;
}

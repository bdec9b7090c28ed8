// The Web-standard parts of the runtime (see core/runtime/runtime-parts.ts): what `#runtime` is in browsers, Web
// Workers and edge runtimes. Nothing here imports a Node built-in.

import type { CheckpointStore } from "../core/checkpoint/checkpoint-store.js";
import { InputError } from "../core/errors.js";
import type { UploadJournal } from "../core/journal/upload-journal.js";
import type { FileSourceOptions, HashAlgorithm, RunningHash } from "../core/runtime/runtime-parts.js";
import type { UploadSource } from "../core/sources/upload-source.js";
import { indexedDbCheckpointStore } from "./indexeddb-checkpoint-store.js";
import { startInlineHash } from "./inline-hash.js";

export { hashBlob, warmHashing } from "./blob-hasher.js";
export { contentTypeOfName, extensionOfType, sniffContentType } from "./content-type.js";
export { currentScope, runInScope } from "./upload-scope.js";
export { httpAttempt } from "./web-attempt.js";

export const runtimeName: "node" | "web" = "web";

/** No dispatcher: requests go by `fetch` and XMLHttpRequest. */
export function defaultDispatcher(): unknown {
  return undefined;
}

/** A running hash on this thread. */
export function inlineHash(algorithm: HashAlgorithm): RunningHash {
  return startInlineHash(algorithm);
}

/** A running hash on this thread (chunks streamed through a request; Blobs go to the worker by `hashBlob`). */
export function startHash(algorithm: HashAlgorithm): RunningHash {
  return startInlineHash(algorithm);
}

const NO_PATHS =
  "this runtime has no file system: give a File or Blob (from an <input type=file> or a drop), a Uint8Array, or { stream, size }";

/** Paths cannot be read here. */
export async function openFileSource(path: string, _options: FileSourceOptions): Promise<UploadSource> {
  throw new InputError(`Cannot open the path ${path}: ${NO_PATHS}.`, { code: "INPUT_UNSUPPORTED" });
}

/** `file:` URLs cannot be read here. */
export function fileUrlToPath(url: string): string {
  throw new InputError(`Cannot open ${url}: ${NO_PATHS}.`, { code: "INPUT_UNSUPPORTED" });
}

/** `checkpoint: "<key>"` keeps the checkpoint in IndexedDB under that key. */
export function checkpointStoreFor(key: string): CheckpointStore {
  return indexedDbCheckpointStore(key);
}

/** Files cannot be written here: checkpoints go to IndexedDB. */
export function fileCheckpointStore(path: string): CheckpointStore {
  throw new InputError(
    `Cannot keep a checkpoint in the file ${path}: this runtime has no file system. Use checkpoint: "<key>" (IndexedDB) or indexedDbCheckpointStore(key).`,
    { code: "INPUT_UNSUPPORTED" },
  );
}

/** Files cannot be written here: a journal is a store of your own. */
export async function openFileJournal(path: string): Promise<UploadJournal> {
  throw new InputError(
    `Cannot keep an upload journal in the file ${path}: this runtime has no file system. Pass journal: a store of your own (the UploadJournal interface; memoryJournal() to build on).`,
    { code: "INPUT_UNSUPPORTED" },
  );
}

/** node:http handlers need Node: a Fetch-API runtime serves the handler itself. */
export function toNodeHandler(_handler: (request: Request) => Promise<Response>): (req: unknown, res: unknown) => Promise<void> {
  throw new InputError("toNodeHandler is for node:http and Express; this runtime serves the Fetch-API handler as it is.", {
    code: "INPUT_UNSUPPORTED",
  });
}

/** Folders need a file system: none here. */
export async function makeDirectory(directory: string): Promise<void> {
  throw new InputError(`Cannot make the folder ${directory}: this runtime has no file system.`, { code: "INPUT_UNSUPPORTED" });
}

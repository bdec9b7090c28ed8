// The Node.js parts of the runtime (see core/runtime/runtime-parts.ts): what `#runtime` is under the `node` condition.
import { fileURLToPath } from "node:url";
import { InputError } from "../core/errors.js";
import { hashChunks } from "../core/http/hash-chunks.js";
import type { HashAlgorithm } from "../core/runtime/runtime-parts.js";
import { startHash, warmHashPool } from "./hash-pool.js";

export { sharedAgent as defaultDispatcher } from "./agent.js";
export { contentTypeOfName, extensionOfType, sniffContentType } from "./content-type.js";
export { fileCheckpointStore as checkpointStoreFor, fileCheckpointStore } from "./file-checkpoint-store.js";
export { openFileJournal } from "./file-journal.js";
export { openFileSource } from "./file-source.js";
export { startHash, warmHashPool as warmHashing } from "./hash-pool.js";
export { inlineHash } from "./inline-hash.js";
export { makeDirectory } from "./make-directory.js";
export { toNodeHandler } from "./node-handler.js";
export { httpAttempt } from "./undici-attempt.js";
export { currentScope, runInScope } from "./upload-scope.js";

export const runtimeName: "node" | "web" = "node";

// The hashing workers start once the importing module has run, not when the first upload begins: measured, a 64 MiB
// upload right after the import ran 15–25 % slower when they started with it (`warmHashing`, also called then, is a
// no-op once they run). UPLOADKIT_HASH_WORKERS=0 (or one core) starts none.
setImmediate(warmHashPool).unref();

/** A Blob's digest: its stream read through the hashing pool. */
export function hashBlob(blob: Blob, algorithm: HashAlgorithm): { digest(): Promise<string>; discard(): void } {
  return hashChunks(blob.stream() as unknown as AsyncIterable<Uint8Array>, startHash(algorithm));
}

/** The path of a `file:` URL. */
export function fileUrlToPath(url: string): string {
  try {
    return fileURLToPath(url);
  } catch (error) {
    throw new InputError(`Invalid file: URL ${url}.`, { code: "INPUT_INVALID", cause: error });
  }
}

import { fileCheckpointStore as runtimeFileCheckpointStore } from "#runtime";
import type { CheckpointStore } from "./checkpoint-store.js";

/**
 * A checkpoint in a JSON file, readable by its owner only (it holds presigned URLs). Saves write a temporary file
 * beside it, fsync it, then rename it over the old one, so the file is always a whole checkpoint; any failure is a
 * CheckpointError and leaves no temporary file. `lock()` keeps a `<file>.lock` holding the process id. Node only:
 * in browsers and edge runtimes it throws an InputError naming `indexedDbCheckpointStore`.
 */
export function fileCheckpointStore(path: string): CheckpointStore {
  return runtimeFileCheckpointStore(path);
}

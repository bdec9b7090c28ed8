import { randomBytes } from "node:crypto";
import { open, readFile, rename, rm } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { assertText } from "../core/argument-checks.js";
import type { CheckpointStore } from "../core/checkpoint/checkpoint-store.js";
import { parseCheckpoint } from "../core/checkpoint/parse-checkpoint.js";
import { CheckpointError } from "../core/errors.js";
import { takeLockFile } from "./lock-file.js";
import { makeDirectory } from "./make-directory.js";

/**
 * A checkpoint in a JSON file, readable by its owner only (it holds presigned URLs). Saves write a temporary file
 * beside it, fsync it, then rename it over the old one, so the file is always a whole checkpoint; any failure is a
 * CheckpointError and leaves no temporary file. `lock()` keeps a `<file>.lock` holding the process id.
 */
export function fileCheckpointStore(path: string): CheckpointStore {
  assertText(path, "fileCheckpointStore's path");
  const file = resolve(path);
  const lockFile = `${file}.lock`;
  return {
    description: file,
    async load() {
      let text: string;
      try {
        text = await readFile(file, "utf8");
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
        throw new CheckpointError(`Cannot read the checkpoint ${file}: ${(error as Error).message}`, {
          code: "CHECKPOINT_READ",
          cause: error,
        });
      }
      return parseCheckpoint(text, file);
    },
    async save(checkpoint) {
      const temporary = `${file}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
      try {
        await makeDirectory(dirname(file));
        const handle = await open(temporary, "w", 0o600);
        try {
          await handle.writeFile(`${JSON.stringify(checkpoint, null, 2)}\n`);
          await handle.sync();
        } finally {
          await handle.close();
        }
        await rename(temporary, file);
      } catch (error) {
        await rm(temporary, { force: true }).catch(() => {});
        throw new CheckpointError(`Cannot write the checkpoint ${file}: ${(error as Error).message}`, {
          code: "CHECKPOINT_WRITE",
          cause: error,
        });
      }
    },
    async clear() {
      await rm(file, { force: true });
    },
    lock: () =>
      takeLockFile(lockFile, {
        failed: (error) =>
          new CheckpointError(`Cannot lock the checkpoint ${file}: ${(error as Error).message}`, {
            code: "CHECKPOINT_LOCK",
            cause: error,
          }),
        held: (holder) =>
          new CheckpointError(
            `The checkpoint ${file} is in use by another upload (process ${holder || "unknown"}). Wait for it to finish, or delete ${lockFile} if that process is gone.`,
            { code: "CHECKPOINT_LOCKED" },
          ),
      }),
  };
}

import { randomBytes } from "node:crypto";
import { mkdir, open, readFile, rename, rm } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { CheckpointError } from "../errors.js";
import { CHECKPOINT_VERSION, type Checkpoint, type CheckpointStore } from "./checkpoint-store.js";

/**
 * A checkpoint in a JSON file. Saves write a temporary file beside it, fsync it, then rename it
 * over the old one, so the file is always a whole checkpoint.
 */
export function fileCheckpointStore(path: string): CheckpointStore {
  const file = resolve(path);
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
      await mkdir(dirname(file), { recursive: true });
      const temporary = `${file}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
      const handle = await open(temporary, "w");
      try {
        await handle.writeFile(`${JSON.stringify(checkpoint, null, 2)}\n`);
        await handle.sync();
      } finally {
        await handle.close();
      }
      try {
        await rename(temporary, file);
      } catch (error) {
        await rm(temporary, { force: true });
        throw new CheckpointError(`Cannot write the checkpoint ${file}: ${(error as Error).message}`, {
          code: "CHECKPOINT_WRITE",
          cause: error,
        });
      }
    },
    async clear() {
      await rm(file, { force: true });
    },
  };
}

export function parseCheckpoint(text: string, where: string): Checkpoint {
  let value: Partial<Checkpoint>;
  try {
    value = JSON.parse(text) as Partial<Checkpoint>;
  } catch (error) {
    throw new CheckpointError(`The checkpoint ${where} is not valid JSON; delete it to start over.`, {
      code: "CHECKPOINT_CORRUPT",
      cause: error,
    });
  }
  if (value?.version !== CHECKPOINT_VERSION) {
    throw new CheckpointError(
      `The checkpoint ${where} has version ${String(value?.version)}; this uploadkit reads version ${CHECKPOINT_VERSION}. Delete it to start over.`,
      { code: "CHECKPOINT_VERSION" },
    );
  }
  if (typeof value.provider !== "string" || !value.source || !Array.isArray(value.parts)) {
    throw new CheckpointError(`The checkpoint ${where} is incomplete; delete it to start over.`, { code: "CHECKPOINT_CORRUPT" });
  }
  return value as Checkpoint;
}

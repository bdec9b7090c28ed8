import { randomBytes } from "node:crypto";
import { mkdir, open, readFile, rename, rm } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { CheckpointError } from "../core/errors.js";
import { CHECKPOINT_VERSION, type Checkpoint, type CheckpointStore } from "../core/checkpoint/checkpoint-store.js";

/**
 * A checkpoint in a JSON file, readable by its owner only (it holds presigned URLs). Saves write a temporary file
 * beside it, fsync it, then rename it over the old one, so the file is always a whole checkpoint; any failure is a
 * CheckpointError and leaves no temporary file. `lock()` keeps a `<file>.lock` holding the process id.
 */
export function fileCheckpointStore(path: string): CheckpointStore {
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
        await mkdir(dirname(file), { recursive: true });
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
    async lock() {
      await mkdir(dirname(file), { recursive: true }).catch(() => {});
      for (let attempt = 0; ; attempt++) {
        try {
          const handle = await open(lockFile, "wx", 0o600);
          await handle.writeFile(String(process.pid));
          await handle.close();
          return () => rm(lockFile, { force: true });
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== "EEXIST") {
            throw new CheckpointError(`Cannot lock the checkpoint ${file}: ${(error as Error).message}`, {
              code: "CHECKPOINT_LOCK",
              cause: error,
            });
          }
        }
        const holder = Number((await readFile(lockFile, "utf8").catch(() => "")).trim());
        if (attempt === 0 && !isRunning(holder)) {
          // Left by a process that is gone (a crash): take it over.
          await rm(lockFile, { force: true });
          continue;
        }
        throw new CheckpointError(
          `The checkpoint ${file} is in use by another upload (process ${holder || "unknown"}). Wait for it to finish, or delete ${lockFile} if that process is gone.`,
          { code: "CHECKPOINT_LOCKED" },
        );
      }
    },
  };
}

function isRunning(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

const HEX_MD5 = /^[0-9a-f]{32}$/;

/** Parses and checks every field the engine reads; the provider's `session` is checked by its adapter. */
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
  const corrupt = (what: string) =>
    new CheckpointError(`The checkpoint ${where} is incomplete or damaged (${what}); delete it to start over.`, {
      code: "CHECKPOINT_CORRUPT",
    });
  if (typeof value.provider !== "string" || !value.provider) throw corrupt("provider");
  const source = value.source as Partial<Checkpoint["source"]> | undefined;
  if (!source || typeof source.kind !== "string" || !Number.isSafeInteger(source.size) || (source.size as number) < 0) {
    throw corrupt("source");
  }
  if (value.session === null || typeof value.session !== "object") throw corrupt("session");
  if (!Array.isArray(value.parts)) throw corrupt("parts");
  const seen = new Set<number>();
  for (const [index, part] of value.parts.entries()) {
    const ok =
      part !== null &&
      typeof part === "object" &&
      Number.isSafeInteger(part.partNumber) &&
      part.partNumber >= 1 &&
      !seen.has(part.partNumber) &&
      typeof part.etag === "string" &&
      part.etag.length > 0 &&
      part.etag.length <= 1024 &&
      (part.md5 === undefined || (typeof part.md5 === "string" && HEX_MD5.test(part.md5)));
    if (!ok) throw corrupt(`parts[${index}]`);
    seen.add(part.partNumber);
  }
  return value as Checkpoint;
}

import { open, readFile, rm } from "node:fs/promises";
import { dirname } from "node:path";
import { makeDirectory } from "./make-directory.js";

/**
 * Takes `lockFile` (created exclusively, holding this process's id) and resolves with its release. A lock left by a
 * process that is gone (a crash) is taken over; one held by a running process is `held(pid)`'s error.
 */
export async function takeLockFile(
  lockFile: string,
  errors: { failed(error: unknown): Error; held(holder: number): Error },
): Promise<() => Promise<void>> {
  await makeDirectory(dirname(lockFile)).catch(() => {});
  for (let attempt = 0; ; attempt++) {
    try {
      const handle = await open(lockFile, "wx", 0o600);
      await handle.writeFile(String(process.pid));
      await handle.close();
      return () => rm(lockFile, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw errors.failed(error);
    }
    const holder = Number((await readFile(lockFile, "utf8").catch(() => "")).trim());
    if (attempt === 0 && !isRunning(holder)) {
      await rm(lockFile, { force: true });
      continue;
    }
    throw errors.held(holder);
  }
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

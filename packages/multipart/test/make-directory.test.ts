import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { CheckpointError, JournalError } from "../src/core/errors.js";
import { fileCheckpointStore } from "../src/node/file-checkpoint-store.js";
import { openFileJournal } from "../src/node/file-journal.js";
import { makeDirectory } from "../src/node/make-directory.js";

const dir = mkdtempSync(join(tmpdir(), "uploadkit-make-directory-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("the folders of checkpoints and journals", () => {
  it("are made level by level, by many callers at once, and an existing file in the way is an error", async () => {
    const deep = join(dir, "a", "b", "c", "d");
    await Promise.all(Array.from({ length: 8 }, () => makeDirectory(deep)));
    expect(statSync(deep).isDirectory()).toBe(true);
    await makeDirectory(deep);
    writeFileSync(join(dir, "file"), "x");
    await expect(makeDirectory(join(dir, "file"))).rejects.toMatchObject({ code: "EEXIST" });
    await expect(makeDirectory(join(dir, "file", "below"))).rejects.toMatchObject({ code: "ENOTDIR" });
  });

  // procfs answers ENOENT for a child it will never have: Node's recursive mkdir spins on that forever.
  it.runIf(existsSync("/proc/self"))(
    "under /proc: a checkpoint or a journal fails with its typed error instead of hanging",
    async () => {
      const store = fileCheckpointStore("/proc/uploadkit-nowhere/upload.checkpoint.json");
      await expect(store.save({ version: 1 } as never)).rejects.toBeInstanceOf(CheckpointError);
      await expect(Promise.resolve().then(() => store.lock?.())).rejects.toBeInstanceOf(CheckpointError);
      await expect(openFileJournal("/proc/uploadkit-nowhere/run.journal")).rejects.toBeInstanceOf(JournalError);
      await expect(makeDirectory("/proc/uploadkit-nowhere/deeper")).rejects.toMatchObject({ code: "ENOENT" });
    },
  );
});

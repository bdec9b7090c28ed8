import { mkdir, stat } from "node:fs/promises";
import { dirname } from "node:path";

/**
 * `mkdir -p` without `mkdir(path, { recursive: true })`: on Linux's procfs a missing child answers ENOENT while its
 * parent exists, and Node's recursive mkdir then creates the parent and tries again forever (a checkpoint or journal
 * under `/proc/…` hung the upload, at 100% CPU). Here a level that is still missing once its parent exists fails.
 */
export async function makeDirectory(directory: string): Promise<void> {
  try {
    await mkdir(directory);
    return;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EEXIST" && (await stat(directory)).isDirectory()) return;
    if (code !== "ENOENT" || dirname(directory) === directory) throw error;
  }
  await makeDirectory(dirname(directory));
  try {
    await mkdir(directory);
  } catch (error) {
    // Made by someone else meanwhile; any other answer, ENOENT included, is final.
    if ((error as NodeJS.ErrnoException).code !== "EEXIST" || !(await stat(directory)).isDirectory()) throw error;
  }
}

import { stat } from "node:fs/promises";
import { resolve } from "node:path";
import fg from "fast-glob";
import { type Shard, shardOf } from "./shard.js";

/**
 * A file to upload, and whether it was named on the command line (else found in a folder or by a glob); or, with
 * `unmatched`, an argument that gave no file: a glob (`path` is the pattern as given) or a folder.
 */
export interface ListedFile {
  path: string;
  named: boolean;
  unmatched?: "glob" | "folder" | undefined;
}

export interface ListOptions {
  /** Walk folders' subfolders too. */
  recursive: boolean;
  /** Take only this shard's files. */
  shard?: Shard | undefined;
  /** Absolute paths never listed from a folder or glob (the journal, the report, the checkpoint folder). */
  exclude: readonly string[];
}

/**
 * The files the arguments name, listed lazily (fast-glob's stream): a file as it is; a folder's files (hidden ones
 * and dot-folders left out; subfolders with `recursive`); a glob's matches. An argument that is none of these is
 * passed on as it is, for the upload to report (not found). A glob or a folder that gives no file (in any shard) is
 * listed as `unmatched`: the caller fails the glob, like a path that names none, and only notes the folder (a
 * watched inbox is often empty). Files of other shards are left out.
 */
export async function* listFiles(args: readonly string[], options: ListOptions): AsyncGenerator<ListedFile> {
  const excluded = new Set(options.exclude.map((path) => resolve(path)));
  const inShard = (path: string) => !options.shard || shardOf(path, options.shard.count) === options.shard.index;
  for (const arg of args) {
    const kind = await stat(arg).then(
      (s) => (s.isDirectory() ? "folder" : "file"),
      () => "missing" as const,
    );
    if (kind === "file" || (kind === "missing" && !fg.isDynamicPattern(arg))) {
      if (inShard(arg)) yield { path: arg, named: true };
      continue;
    }
    // A folder is the pattern <folder>/**/* (its path escaped: a folder named "[raw]" is no character class).
    const pattern = kind === "folder" ? `${fg.convertPathToPattern(arg).replace(/\/+$/, "")}/**/*` : arg;
    const matches = fg.stream(pattern, {
      onlyFiles: true,
      dot: false,
      unique: false,
      followSymbolicLinks: false,
      suppressErrors: true,
      ...(kind === "folder" && !options.recursive ? { deep: 1 } : {}),
    }) as AsyncIterable<string>;
    let matched = false;
    for await (const path of matches) {
      const absolute = resolve(path);
      if (excluded.has(absolute) || [...excluded].some((dir) => absolute.startsWith(`${dir}/`))) continue;
      matched = true;
      if (inShard(path)) yield { path, named: false };
    }
    if (!matched) yield { path: arg, named: true, unmatched: kind === "folder" ? "folder" : "glob" };
  }
}

import { createHash } from "node:crypto";
import { basename, join, resolve } from "node:path";

/** `.uploadkit/<provider>-<name>-<hash of the absolute path>.json`: one checkpoint per provider and file. */
export function checkpointPath(dir: string, provider: string, file: string): string {
  const absolute = resolve(file);
  const id = createHash("sha256").update(absolute).digest("hex").slice(0, 12);
  const name = basename(absolute)
    .replace(/[^\w.-]+/g, "_")
    .slice(0, 40);
  return join(dir, `${provider}-${name}-${id}.json`);
}

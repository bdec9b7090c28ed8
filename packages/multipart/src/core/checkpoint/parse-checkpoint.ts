import { CheckpointError } from "../errors.js";
import { CHECKPOINT_VERSION, type Checkpoint } from "./checkpoint-store.js";

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

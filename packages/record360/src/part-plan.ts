import { type Part, type PartRules, planParts } from "@uploadkit/multipart";
import { RECORD360_LIMITS } from "@uploadkit/providers";

/** Record360's documented limits: 1–20 parts of 5 MB to 5 GB, the last part smaller. */
export const RECORD360_PART_RULES: PartRules = {
  minPartSize: RECORD360_LIMITS.minPartSize,
  maxPartSize: RECORD360_LIMITS.maxPartSize,
  maxParts: RECORD360_LIMITS.maxParts,
};
/** Parts above this are split further, while the part count allows. */
export const PREFERRED_MAX_PART_SIZE = RECORD360_LIMITS.preferredMaxPartSize;

/**
 * The fewest parts (at most 20) that keep each part ≤ 16 MiB, sizes balanced; `partCount` or `partSize` override.
 * Throws an InputError stating the limits when the file cannot be split within them.
 */
export function planRecord360Parts(size: number, partCount: number | undefined, partSize?: number): Part[] {
  if (partSize !== undefined && partCount === undefined) return planParts(size, { ...RECORD360_PART_RULES, partSize });
  const count = partCount ?? Math.min(RECORD360_PART_RULES.maxParts, Math.max(1, Math.ceil(size / PREFERRED_MAX_PART_SIZE)));
  return planParts(size, { ...RECORD360_PART_RULES, partCount: count, partSize });
}

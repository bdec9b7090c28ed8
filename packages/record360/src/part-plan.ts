import { GiB, MiB, type Part, type PartRules, planParts } from "@uploadkit/multipart";

/** Record360's documented limits: 1–20 parts of 5 MB to 5 GB, the last part smaller. */
export const RECORD360_PART_RULES: PartRules = { minPartSize: 5 * MiB, maxPartSize: 5 * GiB, maxParts: 20 };

/** Parts above this are split further, while the part count allows. */
export const PREFERRED_MAX_PART_SIZE = 16 * MiB;

/**
 * The fewest parts (at most 20) that keep each part ≤ 16 MiB, sizes balanced; `partCount` overrides.
 * Throws an InputError stating the limits when the file cannot be split within them.
 */
export function planRecord360Parts(size: number, partCount: number | undefined): Part[] {
  const count = partCount ?? Math.min(RECORD360_PART_RULES.maxParts, Math.max(1, Math.ceil(size / PREFERRED_MAX_PART_SIZE)));
  return planParts(size, { ...RECORD360_PART_RULES, partCount: count });
}

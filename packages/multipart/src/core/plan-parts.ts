import { describeValue, isOptionsObject } from "./argument-checks.js";
import { InputError } from "./errors.js";

/** One part of an upload: a contiguous byte range of the source. */
export interface Part {
  /** 1-based. */
  partNumber: number;
  /** Byte offset of the first byte. */
  start: number;
  /** Byte offset after the last byte (exclusive). */
  end: number;
  /** Bytes in the part (`end - start`). */
  size: number;
}

/** The limits a part plan must keep, and what to fix (part size or count). */
export interface PartRules {
  /** Smallest allowed part except the last. */
  minPartSize: number;
  /** Largest allowed part. */
  maxPartSize: number;
  /** Most parts allowed. */
  maxParts: number;
  /** Fixed part size (the last part may be smaller). */
  partSize?: number | undefined;
  /** Fixed number of parts (parts of equal size, the last one smaller). */
  partCount?: number | undefined;
  /** Preferred part size when neither is fixed. Default 8 MiB, grown to fit `maxParts`. */
  preferredPartSize?: number | undefined;
}

/** 1,048,576 bytes. */
export const MiB = 1024 * 1024;
/** 1,073,741,824 bytes. */
export const GiB = 1024 * MiB;
/** The part size `planParts` starts from when neither size nor count is fixed: 8 MiB. */
export const DEFAULT_PART_SIZE = 8 * MiB;

/** S3's multipart rules: 5 MiB to 5 GiB per part (last part smaller), up to 10,000 parts. */
export const S3_PART_RULES: PartRules = { minPartSize: 5 * MiB, maxPartSize: 5 * GiB, maxParts: 10_000 };

/** Splits `size` bytes into contiguous parts that satisfy `rules`, or throws an InputError saying why none can. */
export function planParts(size: number, rules: PartRules): Part[] {
  assertWholeNumber("size", size, 0);
  if (!isOptionsObject(rules)) {
    throw new InputError(`planParts needs part rules (S3_PART_RULES, …), got ${describeValue(rules)}.`, {
      code: "INPUT_INVALID",
    });
  }
  assertWholeNumber("minPartSize", rules.minPartSize, 1);
  assertWholeNumber("maxPartSize", rules.maxPartSize, rules.minPartSize);
  assertWholeNumber("maxParts", rules.maxParts, 1);
  if (rules.partSize !== undefined && rules.partCount !== undefined) {
    throw new InputError("Give either partSize or partCount, not both.", { code: "INPUT_PART_PLAN_CONFLICT" });
  }
  const sizes = rules.partCount !== undefined ? sizesForCount(size, rules.partCount, rules) : sizesForPartSize(size, rules);
  const parts: Part[] = [];
  let start = 0;
  for (const [index, partSize] of sizes.entries()) {
    parts.push({ partNumber: index + 1, start, end: start + partSize, size: partSize });
    start += partSize;
  }
  return parts;
}

/** `count` parts whose sizes differ by at most one byte (larger ones first). */
function sizesForCount(size: number, count: number, rules: PartRules): number[] {
  assertWholeNumber("partCount", count, 1);
  const base = Math.floor(size / count);
  const remainder = size % count;
  const sizes = Array.from({ length: count }, (_, index) => base + (index < remainder ? 1 : 0));
  const nonLastTooSmall = sizes.slice(0, -1).some((partSize) => partSize < rules.minPartSize);
  if (count > rules.maxParts || nonLastTooSmall || (sizes[0] ?? 0) > rules.maxPartSize || (size === 0 && count > 1)) {
    throw new InputError(
      `${formatBytes(size)} cannot be split into ${count} parts (${describeLimits(rules)}). ${suggestion(size, rules)}`,
      { code: "INPUT_PART_COUNT" },
    );
  }
  return sizes;
}

/** Parts of one size (the given one, or the preferred one grown to fit `maxParts`), the last smaller. */
function sizesForPartSize(size: number, rules: PartRules): number[] {
  let partSize: number;
  if (rules.partSize !== undefined) {
    assertWholeNumber("partSize", rules.partSize, 1);
    partSize = rules.partSize;
    const count = Math.max(1, Math.ceil(size / partSize));
    if ((count > 1 && partSize < rules.minPartSize) || partSize > rules.maxPartSize || count > rules.maxParts) {
      throw new InputError(
        `partSize ${formatBytes(partSize)} does not fit ${formatBytes(size)} (${describeLimits(rules)}). ${suggestion(size, rules)}`,
        { code: "INPUT_PART_SIZE" },
      );
    }
  } else {
    const preferred = Math.min(Math.max(rules.preferredPartSize ?? DEFAULT_PART_SIZE, rules.minPartSize), rules.maxPartSize);
    partSize = Math.max(preferred, Math.ceil(size / rules.maxParts));
    if (partSize > rules.maxPartSize) {
      throw new InputError(
        `${formatBytes(size)} is too large to upload (${describeLimits(rules)}): the most is ${formatBytes(rules.maxPartSize * rules.maxParts)}.`,
        { code: "INPUT_TOO_LARGE" },
      );
    }
  }
  const count = Math.max(1, Math.ceil(size / partSize));
  return Array.from({ length: count }, (_, index) => Math.min(partSize, size - index * partSize));
}

function suggestion(size: number, rules: PartRules): string {
  const fewest = Math.max(1, Math.ceil(size / rules.maxPartSize));
  const most = Math.min(rules.maxParts, Math.max(1, Math.floor(size / rules.minPartSize)));
  if (fewest > rules.maxParts)
    return `The file is larger than ${formatBytes(rules.maxPartSize * rules.maxParts)}, the most these limits allow.`;
  return fewest === most ? `Use ${fewest} part${fewest === 1 ? "" : "s"}.` : `Use between ${fewest} and ${most} parts.`;
}

function describeLimits(rules: PartRules): string {
  return `parts of ${formatBytes(rules.minPartSize)} to ${formatBytes(rules.maxPartSize)}, the last may be smaller, at most ${rules.maxParts} parts`;
}

function assertWholeNumber(name: string, value: number, min: number): void {
  if (!Number.isSafeInteger(value) || value < min) {
    throw new InputError(`${name} must be a whole number ≥ ${min}, got ${describeValue(value)}.`, {
      code: "INPUT_INVALID_NUMBER",
    });
  }
}

/** `5 MiB (5,242,880 bytes)`; plain `12 B` below 1 KiB. */
export function formatBytes(bytes: number): string {
  assertWholeNumber("bytes", bytes, 0);
  const units = ["KiB", "MiB", "GiB", "TiB"];
  if (bytes < 1024) return `${bytes} B`;
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  const text = Number.isInteger(value) ? String(value) : value.toFixed(2).replace(/\.?0+$/, "");
  return `${text} ${units[unit]} (${bytes.toLocaleString("en-US")} bytes)`;
}

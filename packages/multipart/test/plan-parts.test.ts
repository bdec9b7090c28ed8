import { describe, expect, it } from "vitest";
import { InputError } from "../src/core/errors.js";
import { GiB, MiB, type Part, type PartRules, planParts, S3_PART_RULES } from "../src/core/plan-parts.js";

const RECORD360: PartRules = { minPartSize: 5 * MiB, maxPartSize: 5 * GiB, maxParts: 20 };

function expectContiguous(parts: Part[], size: number): void {
  expect(parts[0]?.start).toBe(0);
  expect(parts.at(-1)?.end).toBe(size);
  parts.forEach((part, index) => {
    expect(part.partNumber).toBe(index + 1);
    expect(part.size).toBe(part.end - part.start);
    if (index > 0) expect(part.start).toBe(parts[index - 1]?.end);
  });
}

describe("planParts", () => {
  it("plan 8 MiB parts by default with a smaller last part", () => {
    const parts = planParts(20 * MiB + 1, S3_PART_RULES);
    expect(parts.map((p) => p.size)).toEqual([8 * MiB, 8 * MiB, 4 * MiB + 1]);
    expectContiguous(parts, 20 * MiB + 1);
  });

  it("plan one part for 0 and 1 bytes", () => {
    expect(planParts(0, S3_PART_RULES)).toEqual([{ partNumber: 1, start: 0, end: 0, size: 0 }]);
    expect(planParts(1, S3_PART_RULES)).toEqual([{ partNumber: 1, start: 0, end: 1, size: 1 }]);
  });

  it("grow the part size to fit maxParts", () => {
    const parts = planParts(6 * GiB, RECORD360);
    expect(parts.length).toBeLessThanOrEqual(20);
    expect(parts.every((p) => p.size <= 5 * GiB)).toBe(true);
    expectContiguous(parts, 6 * GiB);
  });

  it("honour a fixed partCount with sizes one byte apart at most", () => {
    const size = 2 * GiB + 7;
    const parts = planParts(size, { ...RECORD360, partCount: 20 });
    expect(parts).toHaveLength(20);
    expectContiguous(parts, size);
    const sizes = parts.map((p) => p.size);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    expect(planParts(12 * MiB, { ...RECORD360, partCount: 2 }).map((p) => p.size)).toEqual([6 * MiB, 6 * MiB]);
  });

  it("honour a fixed partSize", () => {
    const parts = planParts(17 * 5 * MiB, { ...S3_PART_RULES, partSize: 5 * MiB });
    expect(parts).toHaveLength(17);
    expectContiguous(parts, 85 * MiB);
  });

  it("refuse impossible plans with the limits in the message", () => {
    expect(() => planParts(200 * GiB, RECORD360)).toThrow(InputError);
    expect(() => planParts(200 * GiB, RECORD360)).toThrow(/too large.*at most 20 parts/);
    expect(() => planParts(100 * MiB, { ...RECORD360, partCount: 21 })).toThrow(
      /cannot be split into 21 parts.*Use between 1 and 20 parts/,
    );
    expect(() => planParts(9 * MiB, { ...RECORD360, partCount: 2 })).toThrow(/cannot be split into 2 parts/);
    expect(() => planParts(10 * MiB, { ...S3_PART_RULES, partSize: 1 * MiB })).toThrow(/partSize 1 MiB/);
    expect(() => planParts(10, { ...S3_PART_RULES, partSize: 0 })).toThrow(/partSize must be a whole number ≥ 1, got 0/);
    expect(() => planParts(10, { ...S3_PART_RULES, partSize: -5 })).toThrow(InputError);
    expect(() => planParts(-1, S3_PART_RULES)).toThrow(/size must be/);
    expect(() => planParts(10, { ...S3_PART_RULES, partSize: 5, partCount: 2 })).toThrow(/not both/);
  });
});

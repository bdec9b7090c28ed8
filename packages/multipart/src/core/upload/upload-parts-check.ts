import { assertOptions, describeValue, hasMethods, isOptionsObject, type OptionKind } from "../argument-checks.js";
import { InputError } from "../errors.js";
import type { UploadPartsOptions } from "./upload-parts-options.js";

const CODE = "INPUT_UPLOAD_PARTS";

/** What each of uploadParts' options must be, held by the compiler to `UploadPartsOptions`. */
const UPLOAD_PARTS_OPTIONS: Readonly<Record<keyof UploadPartsOptions, OptionKind>> = {
  source: true,
  parts: true,
  target: "function",
  concurrency: 1,
  retry: true,
  signal: "signal",
  onProgress: "function",
  completed: true,
  onPartUploaded: "function",
  onRetry: "function",
  checksum: "boolean",
  stallTimeoutMs: 1,
  credentialOrigin: true,
  dispatcher: true,
  logger: true,
  logLevel: true,
  transport: true,
};

/**
 * Checks `uploadParts`' options before any part is read: known names of the right kinds, a source it can read, and
 * parts that are a plan of the whole source (`planParts`'): in ascending part numbers, each starting where the one
 * before ended, the last ending at the source's size. A plan with a gap, an overlap or a range past the end would
 * otherwise be stored as other bytes than the source's.
 */
export function assertUploadPartsOptions(options: unknown): void {
  if (!isOptionsObject(options))
    fail(`uploadParts needs its options ({ source, parts, target }), got ${describeValue(options)}.`);
  assertOptions(options, "uploadParts' options", UPLOAD_PARTS_OPTIONS, { code: CODE });
  const source = options.source as { size?: unknown } | undefined;
  if (!hasMethods(source, ["partBody"]) || !isByteCount(source?.size)) {
    fail("uploadParts: source must be an opened source (await openSource(…)).");
  }
  if (typeof options.target !== "function") {
    fail("uploadParts: target must be a function that gives each part's URL ((part) => ({ url })).");
  }
  if (options.completed !== undefined && !Array.isArray(options.completed)) {
    fail("uploadParts: completed must be a list of the parts already uploaded ({ partNumber, etag }).");
  }
  assertPlanOf(options.parts, source?.size as number);
}

function assertPlanOf(parts: unknown, size: number): void {
  const plan = "a plan of the whole source (planParts(source.size, rules))";
  if (!Array.isArray(parts) || parts.length === 0) fail(`uploadParts: parts must be ${plan}, got ${describeValue(parts)}.`);
  const shaped = (parts as unknown[]).map((part) => {
    const { partNumber, start, end, size: partSize } = (isOptionsObject(part) ? part : {}) as Record<string, unknown>;
    if (![partNumber, start, end].every(isByteCount) || (partSize !== undefined && partSize !== Number(end) - Number(start))) {
      fail(`uploadParts: parts must be ${plan}; ${describeValue(part)} is no part ({ partNumber, start, end, size }).`);
    }
    return { partNumber: partNumber as number, start: start as number, end: end as number };
  });
  let previous = { partNumber: 0, end: 0 };
  for (const part of shaped) {
    if (part.partNumber <= previous.partNumber) {
      fail(`uploadParts: part ${part.partNumber} comes after part ${previous.partNumber}; parts must be in ascending order.`);
    }
    previous = part;
  }
  previous = { partNumber: 0, end: 0 };
  for (const part of shaped) {
    const at = `part ${part.partNumber}`;
    if (part.start !== previous.end) {
      fail(
        `uploadParts: ${at} starts at byte ${part.start}, where the part before ended at ${previous.end}; parts must be ${plan}.`,
      );
    }
    if (part.end <= part.start && !(shaped.length === 1 && size === 0)) fail(`uploadParts: ${at} has no bytes.`);
    previous = part;
  }
  if (previous.end !== size)
    fail(`uploadParts: the parts end at byte ${previous.end}, the source at ${size}; parts must be ${plan}.`);
}

function isByteCount(value: unknown): boolean {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0;
}

function fail(message: string): never {
  throw new InputError(message, { code: CODE });
}

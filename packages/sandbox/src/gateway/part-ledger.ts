/** What the store answered for each part PUT, by upload: the sandbox checks it at complete (s3rver does not). */
export interface LedgerPart {
  /** The part's number. */
  partNumber: number;
  /** The ETag the store gave it. */
  etag: string;
  /** Its size in bytes. */
  size: number;
}

export class PartLedger {
  private readonly uploads = new Map<string, Map<number, LedgerPart>>();

  record(uploadId: string, part: LedgerPart): void {
    let parts = this.uploads.get(uploadId);
    if (!parts) {
      parts = new Map();
      this.uploads.set(uploadId, parts);
    }
    parts.set(part.partNumber, part);
  }

  parts(uploadId: string): LedgerPart[] {
    return [...(this.uploads.get(uploadId)?.values() ?? [])].sort((a, b) => a.partNumber - b.partNumber);
  }

  forget(uploadId: string): void {
    this.uploads.delete(uploadId);
  }
}

export interface PartRules {
  minPartSize: number;
  maxParts: number;
}

/**
 * Checks the parts a client lists at complete against what the store stored: every part from 1 to the
 * highest is present, each listed ETag is the stored one, and every part but the last meets the minimum.
 * Returns a problem description, or undefined when the list is complete and correct.
 */
export function verifyCompletion(
  listed: { partNumber: number; etag: string }[],
  stored: LedgerPart[],
  rules: PartRules,
  expectedCount?: number,
): string | undefined {
  if (listed.length === 0) return "no parts were listed";
  if (listed.length > rules.maxParts) return `${listed.length} parts listed; at most ${rules.maxParts} are allowed`;
  const sorted = [...listed].sort((a, b) => a.partNumber - b.partNumber);
  const count = expectedCount ?? sorted.length;
  if (sorted.length !== count) return `${sorted.length} parts listed, but the upload has ${count}`;
  const missing = sorted.findIndex((part, index) => part.partNumber !== index + 1);
  if (missing !== -1) return `part ${missing + 1} is missing from the list (parts must be 1..${count})`;
  const byNumber = new Map(stored.map((p) => [p.partNumber, p]));
  for (const part of sorted) {
    const found = byNumber.get(part.partNumber);
    if (!found) return `part ${part.partNumber} was never uploaded`;
    if (normalizeEtag(found.etag) !== normalizeEtag(part.etag)) {
      return `part ${part.partNumber}: ETag ${part.etag} does not match the stored part's ${found.etag}`;
    }
  }
  const small = sorted.slice(0, -1).find((part) => (byNumber.get(part.partNumber)?.size ?? 0) < rules.minPartSize);
  if (small) {
    const size = byNumber.get(small.partNumber)?.size;
    return `part ${small.partNumber} is ${size} bytes; every part but the last must be at least ${rules.minPartSize} bytes`;
  }
  return undefined;
}

function normalizeEtag(etag: string): string {
  return etag.replace(/^W\//, "").replace(/"/g, "").toLowerCase();
}

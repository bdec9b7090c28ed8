/**
 * When a presigned URL stops being valid, read from its own query: SigV4's `X-Amz-Date` + `X-Amz-Expires`, or
 * SigV2's `Expires` (epoch seconds). Undefined for a URL that says nothing about its expiry.
 */
export function presignedExpiresAt(url: string): number | undefined {
  let query: URLSearchParams;
  try {
    query = new URL(url).searchParams;
  } catch {
    return undefined;
  }
  const date = query.get("X-Amz-Date") ?? query.get("x-amz-date");
  const expires = Number(query.get("X-Amz-Expires") ?? query.get("x-amz-expires"));
  if (date && Number.isFinite(expires) && expires > 0) {
    const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(date);
    if (!match) return undefined;
    const [, y, mo, d, h, mi, s] = match.map(Number) as number[];
    return Date.UTC(y as number, (mo as number) - 1, d, h, mi, s) + expires * 1000;
  }
  const v2 = Number(query.get("Expires"));
  return query.has("Signature") && Number.isSafeInteger(v2) && v2 > 0 ? v2 * 1000 : undefined;
}

/**
 * True when a presigned URL has expired by its own account, or will within `marginMs` (a request must reach the
 * store before then). A URL that states no expiry is never called expired.
 */
export function presignedUrlExpired(url: string, marginMs = 1000, now = Date.now()): boolean {
  const expiresAt = presignedExpiresAt(url);
  return expiresAt !== undefined && now + marginMs >= expiresAt;
}

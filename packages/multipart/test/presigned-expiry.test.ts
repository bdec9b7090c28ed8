import { describe, expect, it } from "vitest";
import { presignedExpiresAt, presignedUrlExpired } from "../src/core/http/presigned-expiry.js";

const NOW = Date.UTC(2026, 10, 22, 12, 0, 0);
const sigV4 = (date: string, expires: number) =>
  `https://bucket.s3.amazonaws.com/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date=${date}&X-Amz-Expires=${expires}&X-Amz-Signature=abc`;

describe("a presigned URL's expiry, read from its own query", () => {
  it("SigV4: X-Amz-Date + X-Amz-Expires", () => {
    expect(presignedExpiresAt(sigV4("20261122T115900Z", 60))).toBe(NOW);
    expect(presignedUrlExpired(sigV4("20261122T115900Z", 120), 1000, NOW)).toBe(false);
    expect(presignedUrlExpired(sigV4("20261122T115900Z", 60), 1000, NOW)).toBe(true);
    // Within the margin counts as expired: the request must reach the store before the deadline.
    expect(presignedUrlExpired(sigV4("20261122T115900Z", 61), 1000, NOW)).toBe(true);
    expect(presignedUrlExpired(sigV4("20261122T115900Z", 61), 0, NOW)).toBe(false);
  });

  it("SigV2: Expires in epoch seconds beside Signature", () => {
    const url = `https://b.s3.amazonaws.com/k?AWSAccessKeyId=A&Expires=${NOW / 1000 + 30}&Signature=x`;
    expect(presignedExpiresAt(url)).toBe(NOW + 30_000);
    expect(presignedUrlExpired(url, 1000, NOW + 29_500)).toBe(true);
  });

  it("says nothing of URLs that state no expiry or state it badly", () => {
    for (const url of [
      "https://api.example.com/parts/1",
      "not a url",
      sigV4("2026-11-22", 60),
      sigV4("20261122T115900Z", Number.NaN),
      sigV4("20261122T115900Z", -5),
      "https://b.example.com/k?Expires=abc&Signature=x",
      "https://b.example.com/k?Expires=1700000000",
    ]) {
      expect(presignedUrlExpired(url, 1000, NOW)).toBe(false);
    }
  });
});

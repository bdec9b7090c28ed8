import { createHash, randomBytes } from "node:crypto";
import { violations } from "@uploadkit/testkit";
import { expect } from "vitest";

export const MiB = 1024 * 1024;

export function sha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

export function bytes(size: number): Buffer {
  return randomBytes(size);
}

/** fetch that fails the test when Prism reports a spec violation on the exchange. */
export async function call(url: string, init: RequestInit = {}): Promise<Response> {
  const response = await fetch(url, init);
  expect(violations(response), `${init.method ?? "GET"} ${url} violated the spec`).toEqual([]);
  return response;
}

export async function json<T = Record<string, unknown>>(response: Response, status = 200): Promise<T> {
  const text = await response.text();
  expect(response.status, text).toBe(status);
  return JSON.parse(text) as T;
}

import { createHash } from "node:crypto";
import { MD5_LANES_LAYOUT, Md5Lanes, md5LanesModuleBytes } from "@uploadkit/multipart/internal";
import { describe, expect, it } from "vitest";
import { ceilingOnCores, md5KernelSecondsPerGiB } from "../src/md5-kernel.js";

describe("the MD5 ceiling beside 'integrity on ÷ no checksum'", () => {
  it("measures the kernel it names: the lanes it runs give node:crypto's MD5, and the cost is a finite positive figure", () => {
    const runtime = (globalThis as unknown as { WebAssembly: { Module: new (bytes: Uint8Array) => object } }).WebAssembly;
    const lanes = new Md5Lanes(new runtime.Module(md5LanesModuleBytes()), MD5_LANES_LAYOUT);
    const bytes = new Uint8Array(3 * 65536 + 17).map((_, index) => (index * 7) & 0xff);
    lanes.open(1);
    lanes.add(1, bytes);
    lanes.pump();
    expect(lanes.digest(1)).toBe(createHash("md5").update(bytes).digest("hex"));
    const cost = md5KernelSecondsPerGiB(16);
    expect(Number.isFinite(cost) && cost > 0).toBe(true);
  });

  it("is the baseline's time over the least time its work plus the hashing needs on every core, and never above 1", () => {
    const run = { seconds: 1, cpuSeconds: 1 };
    // 1 + 1 CPU s on 2 cores take at least 1 s: the ceiling is 1 / 1.
    expect(ceilingOnCores(run, 1, 2)).toBeCloseTo(1);
    // 1 + 2 CPU s: at least 1.5 s on 2 cores, 3 s on one.
    expect(ceilingOnCores(run, 2, 2)).toBeCloseTo(1 / 1.5);
    expect(ceilingOnCores(run, 2, 1)).toBeCloseTo(1 / 3);
    expect(ceilingOnCores({ seconds: 1, cpuSeconds: 0.2 }, 0.2, 8)).toBe(1);
  });

  it("against another contestant's time: that time over the same least time, above 1 when the other is slower", () => {
    const noChecksum = { seconds: 1, cpuSeconds: 1.6 };
    // 1.6 + 0.4 CPU s on 2 cores take at least 1 s; raw undici took 0.9 s, so integrity on reaches 0.9× at best.
    expect(ceilingOnCores(noChecksum, 0.4, 2, 0.9)).toBeCloseTo(0.9);
    expect(ceilingOnCores(noChecksum, 1, 2, 1.95)).toBeCloseTo(1.5);
  });
});

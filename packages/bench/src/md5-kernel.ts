import { MD5_LANES_LAYOUT, Md5Lanes, md5LanesModuleBytes } from "@uploadkit/multipart/internal";

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

/**
 * The CPU seconds per GiB of MD5 in uploadkit's fastest code on this machine: every lane of the multi-lane module
 * full, bytes already in memory, on this thread — no reading, copying between threads or waiting. No integrity check
 * that hashes every byte can cost less, so it sets the ceiling printed beside "integrity on ÷ no checksum".
 */
export function md5KernelSecondsPerGiB(mib = 512): number {
  const runtime = (globalThis as unknown as { WebAssembly: { Module: new (bytes: Uint8Array) => object } }).WebAssembly;
  const lanes = new Md5Lanes(new runtime.Module(md5LanesModuleBytes()), MD5_LANES_LAYOUT);
  const block = new Uint8Array(4 * MiB).fill(0x5a);
  const ids = Array.from({ length: MD5_LANES_LAYOUT.lanes }, (_, index) => index + 1);
  const hashAll = (bytesPerLane: number) => {
    for (const id of ids) lanes.open(id);
    for (let done = 0; done < bytesPerLane; done += block.length) {
      for (const id of ids) lanes.add(id, block);
      lanes.pump();
    }
    for (const id of ids) lanes.digest(id);
  };
  hashAll(8 * MiB); // compiled by the optimizing tier before the clock starts
  const perLane = Math.max(block.length, Math.floor((mib * MiB) / ids.length / block.length) * block.length);
  const started = process.cpuUsage();
  hashAll(perLane);
  const used = process.cpuUsage(started);
  return (used.user + used.system) / 1e6 / ((perLane * ids.length) / GiB);
}

/**
 * The best ratio of a reference's time (by default the baseline's own) to the time of the baseline's work plus
 * `extraCpuSeconds` (hashing) that a machine of `cores` cores allows: all that work spread over every core with
 * nothing lost cannot take less than it needs there — nor less than the baseline took.
 */
export function ceilingOnCores(
  baseline: { seconds: number; cpuSeconds: number },
  extraCpuSeconds: number,
  cores: number,
  referenceSeconds = baseline.seconds,
): number {
  return referenceSeconds / Math.max(baseline.seconds, (baseline.cpuSeconds + extraCpuSeconds) / cores);
}

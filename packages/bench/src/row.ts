import type { ContestantName } from "./job.js";
import type { Spread } from "./stats.js";
import type { TargetName } from "./targets/targets.js";

/** One contestant on one shape and target: the spread of its runs. */
export interface Row {
  target: TargetName;
  shape: string;
  sizeBytes: number;
  parts: number;
  contestant: ContestantName;
  seconds: Spread;
  mibPerSecond: Spread;
  peakRssMiB: Spread;
  cpuSeconds: Spread;
  /** CPU seconds of the client while it uploaded (start-up left out). */
  uploadCpuSeconds?: Spread;
  /** CPU seconds the null sink spent receiving (null-sink target only). */
  sinkCpuSeconds?: Spread;
}

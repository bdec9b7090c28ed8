import { readFileSync } from "node:fs";

/** Linux's clock ticks per second for /proc/stat (USER_HZ: 100 on every architecture Node runs on). */
const TICKS_PER_SECOND = 100;

/**
 * CPU seconds every process on the machine has spent busy (user, nice, system, irq, softirq, steal) since boot, from
 * /proc/stat; undefined off Linux. A browser's work is spread over processes the bench does not start itself (the
 * browser, network service, renderer), so the machine's total over a run is how that work is counted.
 */
export function machineBusySeconds(): number | undefined {
  try {
    const line = readFileSync("/proc/stat", "utf8").split("\n")[0] ?? "";
    const [user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
    const busy = [user, nice, system, irq, softirq, steal].reduce<number>((sum, value) => sum + (value ?? 0), 0);
    return Number.isFinite(busy) ? busy / TICKS_PER_SECOND : undefined;
  } catch {
    return undefined;
  }
}

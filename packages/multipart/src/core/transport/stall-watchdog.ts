/**
 * Calls `onStall` once nothing has `refresh()`ed it for `ms`. A refresh only notes the time (it is called for every
 * chunk sent); the one timer, when it fires early, waits out the rest. Runs on any runtime's timers.
 */
export class StallWatchdog {
  private last = performance.now();
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly ms: number,
    private readonly onStall: () => void,
  ) {
    this.arm(ms);
  }

  refresh(): void {
    this.last = performance.now();
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private arm(delay: number): void {
    this.timer = setTimeout(() => {
      const idle = performance.now() - this.last;
      if (idle >= this.ms) {
        this.timer = undefined;
        this.onStall();
      } else this.arm(this.ms - idle);
    }, delay);
    // The request it watches keeps the process alive; the watchdog alone must not.
    (this.timer as { unref?: () => void }).unref?.();
  }
}

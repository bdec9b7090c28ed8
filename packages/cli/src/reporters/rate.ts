import type { UploadProgress } from "@uploadkit/multipart";

/**
 * Speed and time left from this run's bytes only: a resumed upload's earlier parts count neither toward the speed
 * nor as time saved. Never NaN or Infinity: "--" until there is enough to go on.
 */
export class Rate {
  private baseline: number | undefined;
  private readonly started = Date.now();
  /** "resumed at 16/20 parts" when the first report already had parts done. */
  resumed: string | undefined;

  constructor(private readonly size: number) {}

  observe(progress: UploadProgress): void {
    if (this.baseline === undefined) {
      this.baseline = progress.loaded;
      if (progress.partsDone > 0 && progress.loaded > 0)
        this.resumed = `resumed at ${progress.partsDone}/${progress.partsTotal} parts`;
    }
  }

  /** MiB/s of this run, as text. */
  speed(loaded: number): string {
    const seconds = (Date.now() - this.started) / 1000;
    const moved = loaded - (this.baseline ?? loaded);
    if (seconds < 0.2 || moved <= 0) return "--";
    return (moved / 1048576 / seconds).toFixed(1);
  }

  /** Seconds left at this run's speed, as text. */
  eta(loaded: number): string {
    const seconds = (Date.now() - this.started) / 1000;
    const moved = loaded - (this.baseline ?? loaded);
    if (seconds < 0.5 || moved <= 0) return "--";
    const left = Math.max(0, ((this.size - loaded) / moved) * seconds);
    return left >= 3600
      ? `${Math.floor(left / 3600)}h${Math.round((left % 3600) / 60)}m`
      : left >= 60
        ? `${Math.floor(left / 60)}m${Math.round(left % 60)}s`
        : `${Math.round(left)}s`;
  }
}

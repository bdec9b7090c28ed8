import cliProgress from "cli-progress";
import { type FileReport, type FileSummary, formatMiB, type Reporter } from "./reporter.js";

/** One cli-progress bar per file: bytes, percent, speed, ETA and parts done. */
export function ttyReporter(stream: NodeJS.WriteStream = process.stderr): Reporter {
  const bars = new cliProgress.MultiBar(
    {
      stream,
      format:
        " {label} |{bar}| {percentage}% | {done}/{size} MiB | {speed} MiB/s | ETA {eta_formatted} | parts {partsDone}/{partsTotal}",
      barCompleteChar: "█",
      barIncompleteChar: "░",
      hideCursor: true,
      clearOnComplete: false,
      stopOnComplete: false,
      etaBuffer: 40,
      fps: 10,
    },
    cliProgress.Presets.shades_classic,
  );
  return {
    file(label, size): FileReport {
      const started = Date.now();
      const bar = bars.create(Math.max(1, size), 0, {
        label: label.padEnd(24).slice(0, 24),
        done: "0",
        size: formatMiB(size),
        speed: "0.0",
        partsDone: 0,
        partsTotal: "?",
      });
      const speed = (loaded: number) => (loaded / 1024 / 1024 / Math.max(0.001, (Date.now() - started) / 1000)).toFixed(1);
      return {
        progress: (p) =>
          bar.update(p.loaded, {
            done: formatMiB(p.loaded),
            speed: speed(p.loaded),
            partsDone: p.partsDone,
            partsTotal: p.partsTotal,
          }),
        done: (summary: FileSummary) => {
          bar.update(Math.max(1, summary.size), {
            done: formatMiB(summary.size),
            speed: summary.mibPerSecond.toFixed(1),
            partsDone: summary.parts,
            partsTotal: summary.parts,
          });
          bar.stop();
        },
        failed: () => bar.stop(),
      };
    },
    note: (message) => bars.log(`${message}\n`),
    close: () => bars.stop(),
  };
}

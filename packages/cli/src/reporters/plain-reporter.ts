import type { UploadProgress } from "@uploadkit/multipart";
import { type FileReport, formatMiB, type Reporter } from "./reporter.js";

/** Plain lines for logs and pipes: one per file every `intervalMs`, and one when it ends. */
export function plainReporter(
  write: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
  intervalMs = 1000,
): Reporter {
  return {
    file(label, size): FileReport {
      const started = Date.now();
      let last = 0;
      const line = (p: UploadProgress) => {
        const seconds = Math.max(0.001, (Date.now() - started) / 1000);
        const percent = size === 0 ? 100 : (100 * p.loaded) / size;
        write(
          `${label}: ${percent.toFixed(1)}% ${formatMiB(p.loaded)}/${formatMiB(size)} MiB ${(p.loaded / 1048576 / seconds).toFixed(1)} MiB/s parts ${p.partsDone}/${p.partsTotal}`,
        );
      };
      return {
        progress(p) {
          if (Date.now() - last >= intervalMs) {
            last = Date.now();
            line(p);
          }
        },
        done: (s) =>
          write(
            `${label}: done — ${s.id} (${s.status ?? "ok"}), ${formatMiB(s.size)} MiB in ${s.seconds.toFixed(1)} s, ${s.mibPerSecond.toFixed(1)} MiB/s`,
          ),
        failed: (message) => write(`${label}: failed — ${message}`),
      };
    },
    note: (message) => write(message),
    close: () => {},
  };
}

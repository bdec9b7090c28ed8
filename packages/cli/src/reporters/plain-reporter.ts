import type { UploadProgress } from "@uploadkit/multipart";
import { Rate } from "./rate.js";
import { type FileReport, formatMiB, type Reporter } from "./reporter.js";
import { describeDone } from "./tty-reporter.js";

/** Plain lines for logs and pipes: one per file every `intervalMs`, one when it ends, each message once. */
export function plainReporter(
  write: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
  intervalMs = 1000,
): Reporter {
  return {
    file(label, size): FileReport {
      const rate = new Rate(size);
      let last = 0;
      let noticed = false;
      const line = (p: UploadProgress) => {
        const percent = size === 0 ? 100 : (100 * p.loaded) / size;
        write(
          `${label}: ${percent.toFixed(1)}% ${formatMiB(p.loaded)}/${formatMiB(size)} MiB ${rate.speed(p.loaded)} MiB/s ETA ${rate.eta(p.loaded)} parts ${p.partsDone}/${p.partsTotal}`,
        );
      };
      return {
        progress(p) {
          rate.observe(p);
          if (rate.resumed && !noticed) {
            noticed = true;
            write(`${label}: ${rate.resumed}`);
          }
          if (Date.now() - last >= intervalMs) {
            last = Date.now();
            line(p);
          }
        },
        done: (s) => write(`${label}: done — ${describeDone(s)}`),
        failed: (message) => write(`${label}: failed — ${message}`),
        skipped: (reason) => write(`${label}: skipped — ${reason}`),
      };
    },
    note: (message) => write(message),
    close: (closing = []) => {
      for (const text of closing) write(text);
    },
  };
}

import type { FileReport, Reporter } from "./reporter.js";

/** One JSON object per file on stdout (success, skip or failure); notes and the closing summary go to stderr. */
export function jsonReporter(write: (line: string) => void = (line) => process.stdout.write(`${line}\n`)): Reporter {
  return {
    file(label, size): FileReport {
      return {
        progress: () => {},
        done: (summary) => write(JSON.stringify({ ok: true, ...summary })),
        failed: (message) => write(JSON.stringify({ ok: false, file: label, size, error: message })),
        skipped: (reason) => write(JSON.stringify({ ok: true, skipped: true, file: label, size, reason })),
      };
    },
    note: (message) => process.stderr.write(`${message}\n`),
    close: (closing = []) => {
      for (const text of closing) process.stderr.write(`${text}\n`);
    },
  };
}

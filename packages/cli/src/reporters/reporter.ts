import type { UploadProgress } from "@uploadkit/multipart";

export interface FileSummary {
  provider: string;
  file: string;
  size: number;
  id: string;
  status?: string | undefined;
  parts: number;
  seconds: number;
  mibPerSecond: number;
  verified?: boolean | undefined;
  /** With a journal: how the file went (uploaded, resumed, changed, done, found). */
  journal?: string | undefined;
}

/** How one file's upload is shown. */
export interface FileReport {
  progress(progress: UploadProgress): void;
  done(summary: FileSummary): void;
  failed(message: string): void;
  /** Not uploaded, on purpose (the provider cannot take it): one line saying why. */
  skipped(reason: string): void;
}

/** How a command shows its uploads: bars in a terminal, periodic lines otherwise, JSON with --json. */
export interface Reporter {
  file(label: string, size: number): FileReport;
  /** A line of text (for the JSON reporter, on stderr). */
  note(message: string): void;
  /** Ends the display, then prints `closing` (the run's summary) under it. */
  close(closing?: string[]): void;
}

export const MiB = 1024 * 1024;

export function formatMiB(bytes: number): string {
  return (bytes / MiB).toFixed(bytes < 10 * MiB ? 2 : 1);
}

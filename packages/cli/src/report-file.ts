import { closeSync, fsyncSync, openSync, writeSync } from "node:fs";
import { extname } from "node:path";
import { UsageError } from "./exit-codes.js";

/** One file's line in `--report`. */
export interface ReportRow {
  path: string;
  /** The provider's id ("" when the file was not uploaded). */
  id: string;
  size: number;
  seconds: number;
  /** uploaded, resumed, changed, done (in an earlier run), found (at the provider), skipped, failed, interrupted. */
  outcome: string;
  /** Attempts of this file's calls and parts beyond the first, plus one. */
  attempts: number;
  error?: string | undefined;
}

const COLUMNS = ["path", "provider_id", "size", "seconds", "outcome", "attempts", "error"] as const;

/**
 * `--report <file>`: a row per file as it finishes, written at once (nothing held): CSV (`.csv`, RFC 4180 quoting),
 * a JSON array (`.json`, closed when the run ends) or JSON lines (`.jsonl`, `.ndjson`).
 */
export class ReportFile {
  private readonly fd: number;
  private readonly format: "csv" | "json" | "jsonl";
  private rows = 0;

  constructor(readonly path: string) {
    const extension = extname(path).toLowerCase();
    const format =
      extension === ".csv"
        ? "csv"
        : extension === ".json"
          ? "json"
          : [".jsonl", ".ndjson"].includes(extension)
            ? "jsonl"
            : undefined;
    if (!format) throw new UsageError(`--report takes a .csv, .json or .jsonl file, got "${path}".`);
    this.format = format;
    this.fd = openSync(path, "w");
    if (format === "csv") this.write(`${COLUMNS.join(",")}\n`);
    if (format === "json") this.write("[");
  }

  add(row: ReportRow): void {
    const record = {
      path: row.path,
      provider_id: row.id,
      size: row.size,
      seconds: Math.round(row.seconds * 1000) / 1000,
      outcome: row.outcome,
      attempts: row.attempts,
      ...(row.error ? { error: row.error } : {}),
    };
    if (this.format === "csv") {
      this.write(`${COLUMNS.map((column) => csvField((record as Record<string, unknown>)[column] ?? "")).join(",")}\n`);
    } else if (this.format === "json") {
      this.write(`${this.rows === 0 ? "\n" : ",\n"}${JSON.stringify(record)}`);
    } else {
      this.write(`${JSON.stringify(record)}\n`);
    }
    this.rows++;
  }

  close(): void {
    if (this.format === "json") this.write(this.rows === 0 ? "]\n" : "\n]\n");
    fsyncSync(this.fd);
    closeSync(this.fd);
  }

  private write(text: string): void {
    writeSync(this.fd, text);
  }
}

function csvField(value: unknown): string {
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

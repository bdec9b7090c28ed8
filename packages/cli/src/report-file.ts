import { accessSync, closeSync, constants, fsyncSync, openSync, statSync, writeSync } from "node:fs";
import { dirname, extname } from "node:path";
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
    this.format = reportFormat(path);
    try {
      this.fd = openSync(path, "w");
    } catch (error) {
      throw cannotWrite(path, error);
    }
    if (this.format === "csv") this.write(`${COLUMNS.join(",")}\n`);
    if (this.format === "json") this.write("[");
  }

  /**
   * Throws a UsageError naming `--report` unless `path` has a report's extension and can be written: its folder
   * exists and is writable, and it is no folder itself. Nothing is created.
   */
  static assertWritable(path: string): void {
    reportFormat(path);
    try {
      if (statSync(path, { throwIfNoEntry: false })?.isDirectory()) throw Object.assign(new Error(), { code: "EISDIR" });
      accessSync(dirname(path), constants.W_OK);
    } catch (error) {
      throw cannotWrite(path, error);
    }
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

function reportFormat(path: string): "csv" | "json" | "jsonl" {
  const extension = extname(path).toLowerCase();
  if (extension === ".csv") return "csv";
  if (extension === ".json") return "json";
  if ([".jsonl", ".ndjson"].includes(extension)) return "jsonl";
  throw new UsageError(`--report takes a .csv, .json or .jsonl file, got "${path}".`);
}

const WHY_NOT: Record<string, string> = {
  ENOENT: "its folder does not exist",
  ENOTDIR: "its folder does not exist",
  EACCES: "permission denied",
  EPERM: "permission denied",
  EROFS: "the file system is read-only",
  EISDIR: "it is a folder",
};

function cannotWrite(path: string, error: unknown): UsageError {
  const code = (error as NodeJS.ErrnoException).code;
  const why = code ? (WHY_NOT[code] ?? code) : String(error);
  return new UsageError(`--report ${path}: cannot write this file (${why}). Give a file in a folder you can write.`);
}

function csvField(value: unknown): string {
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

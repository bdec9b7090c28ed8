import { createReadStream } from "node:fs";
import { type FileHandle, mkdir, open, stat, truncate } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { JournalError } from "../core/errors.js";
import { JOURNAL_VERSION, type JournalRecord, mergeRecord, type UploadJournal } from "../core/journal/upload-journal.js";
import { takeLockFile } from "./lock-file.js";

const NEWLINE = 0x0a;

/**
 * An upload journal in a file of JSON lines. Opening reads it as a stream into an index of each file's latest state
 * (a torn last line — a crash mid-write — is cut off); appends are batched: the lines waiting are written together
 * and fsync'd once, and each append resolves after the fsync that covers it. One run at a time: `<file>.lock` holds
 * the process id (a lock left by a process that is gone is taken over).
 */
export async function openFileJournal(path: string): Promise<UploadJournal> {
  const file = resolve(path);
  const release = await takeLockFile(`${file}.lock`, {
    failed: (error) =>
      new JournalError(`Cannot lock the journal ${file}: ${(error as Error).message}`, { code: "JOURNAL_LOCK", cause: error }),
    held: (holder) =>
      new JournalError(
        `The journal ${file} is in use by another run (process ${holder || "unknown"}). Wait for it to finish, or delete ${file}.lock if that process is gone.`,
        { code: "JOURNAL_LOCKED" },
      ),
  });
  let handle: FileHandle | undefined;
  try {
    const index = await readJournal(file);
    await mkdir(dirname(file), { recursive: true });
    handle = await open(file, "a", 0o600);
    return new FileJournal(file, index, handle, release);
  } catch (error) {
    await handle?.close().catch(() => {});
    await release();
    throw error instanceof JournalError
      ? error
      : new JournalError(`Cannot open the journal ${file}: ${(error as Error).message}`, { code: "JOURNAL_READ", cause: error });
  }
}

/** Reads every whole line into the index; cuts a torn last line off the file so appends start on a line of their own. */
async function readJournal(file: string): Promise<Map<string, JournalRecord>> {
  const index = new Map<string, JournalRecord>();
  const size = await stat(file).then(
    (s) => s.size,
    (error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT") return 0;
      throw error;
    },
  );
  if (size === 0) return index;
  let lineNumber = 0;
  let pending: Buffer[] = [];
  const take = (line: Buffer) => {
    lineNumber++;
    if (line.length === 0) return;
    let record: JournalRecord;
    try {
      record = JSON.parse(line.toString("utf8")) as JournalRecord;
    } catch {
      throw new JournalError(
        `The journal ${file} has a line that is not JSON (line ${lineNumber}), before its last one: it was changed by hand or damaged. Move it aside to start a new journal.`,
        { code: "JOURNAL_CORRUPT" },
      );
    }
    if (record?.v !== JOURNAL_VERSION || typeof record.key !== "string" || typeof record.state !== "string") {
      throw new JournalError(`The journal ${file} has a line of another format (line ${lineNumber}, v ${String(record?.v)}).`, {
        code: "JOURNAL_VERSION",
      });
    }
    index.set(record.key, mergeRecord(index.get(record.key), record));
  };
  for await (const chunk of createReadStream(file, { end: size - 1 }) as AsyncIterable<Buffer>) {
    let start = 0;
    for (let at = chunk.indexOf(NEWLINE); at !== -1; at = chunk.indexOf(NEWLINE, start)) {
      const piece = chunk.subarray(start, at);
      take(pending.length > 0 ? Buffer.concat([...pending, piece]) : piece);
      pending = [];
      start = at + 1;
    }
    if (start < chunk.length) pending.push(chunk.subarray(start));
  }
  const tornBytes = pending.reduce((sum, piece) => sum + piece.length, 0);
  // A crash mid-append leaves part of a line: it never counted (its append had not resolved).
  if (tornBytes > 0) await truncate(file, size - tornBytes);
  return index;
}

class FileJournal implements UploadJournal {
  private waiting: { line: string; done: () => void; failed: (error: unknown) => void }[] = [];
  private flushing: Promise<void> | undefined;
  private broken: JournalError | undefined;

  constructor(
    readonly description: string,
    private readonly index: Map<string, JournalRecord>,
    private readonly handle: FileHandle,
    private readonly release: () => Promise<void>,
  ) {}

  get(key: string): JournalRecord | undefined {
    return this.index.get(key);
  }

  append(record: JournalRecord): Promise<void> {
    if (this.broken) return Promise.reject(this.broken);
    const line = `${JSON.stringify(record)}\n`;
    return new Promise<void>((done, failed) => {
      this.waiting.push({
        line,
        done: () => {
          this.index.set(record.key, mergeRecord(this.index.get(record.key), record));
          done();
        },
        failed,
      });
      this.flushing ??= this.flush();
    });
  }

  /** Writes and fsyncs the lines waiting, batch after batch, until none wait. */
  private async flush(): Promise<void> {
    while (this.waiting.length > 0) {
      const batch = this.waiting;
      this.waiting = [];
      try {
        await this.handle.write(batch.map((entry) => entry.line).join(""));
        await this.handle.sync();
        for (const entry of batch) entry.done();
      } catch (error) {
        this.broken = new JournalError(`Cannot write the journal ${this.description}: ${(error as Error).message}`, {
          code: "JOURNAL_WRITE",
          cause: error,
        });
        for (const entry of [...batch, ...this.waiting]) entry.failed(this.broken);
        this.waiting = [];
      }
    }
    this.flushing = undefined;
  }

  async close(): Promise<void> {
    await this.flushing;
    await this.handle.close().catch(() => {});
    await this.release();
  }
}

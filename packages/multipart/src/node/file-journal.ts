import { createReadStream } from "node:fs";
import { type FileHandle, open, stat, truncate } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { assertText } from "../core/argument-checks.js";
import { JournalError } from "../core/errors.js";
import { JOURNAL_VERSION, type JournalRecord, mergeRecord, type UploadJournal } from "../core/journal/upload-journal.js";
import { takeLockFile } from "./lock-file.js";
import { makeDirectory } from "./make-directory.js";

const NEWLINE = 0x0a;

/**
 * An upload journal in a file of JSON lines. Opening reads it as a stream into an index of each file's latest state
 * (a torn last line — a crash mid-write — is cut off); appends are batched: the lines waiting are written together
 * and fsync'd once, and each append resolves after the fsync that covers it. One run at a time: `<file>.lock` holds
 * the process id (a lock left by a process that is gone is taken over).
 */
export async function openFileJournal(path: string): Promise<UploadJournal> {
  assertText(path, "fileJournal's path");
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
    const { index, size } = await readJournal(file);
    await makeDirectory(dirname(file));
    handle = await open(file, "a+", 0o600);
    return new FileJournal(file, index, handle, size, release);
  } catch (error) {
    await handle?.close().catch(() => {});
    await release();
    throw error instanceof JournalError
      ? error
      : new JournalError(`Cannot open the journal ${file}: ${(error as Error).message}`, { code: "JOURNAL_READ", cause: error });
  }
}

/**
 * Where a file's lines are in the journal: [offset, length] pairs, read back when the file is asked for. Opening a
 * journal of 100,000 files reads each line's key and state only and keeps no line; a finished file keeps its
 * `started` and `done` lines' places.
 */
type LinePlaces = number[];

/** Records a line's place under its key: `started` begins the file afresh, `done` keeps `started` and itself. */
function place(index: Map<string, LinePlaces>, key: string, state: string, offset: number, length: number): void {
  const places = index.get(key);
  if (state === "started" || !places) index.set(key, [offset, length]);
  else if (state === "done") index.set(key, [places[0] as number, places[1] as number, offset, length]);
  else places.push(offset, length);
}

/**
 * Reads every whole line's key and state into the index; cuts a torn last line off the file so appends start on a
 * line of their own. Resolves with the index and the file's size after the cut.
 */
async function readJournal(file: string): Promise<{ index: Map<string, LinePlaces>; size: number }> {
  const index = new Map<string, LinePlaces>();
  const size = await stat(file).then(
    (s) => s.size,
    (error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT") return 0;
      throw error;
    },
  );
  if (size === 0) return { index, size };
  let lineNumber = 0;
  const take = (bytes: Buffer, start: number, end: number, offset: number) => {
    lineNumber++;
    if (end === start) return;
    const head = headOf(bytes, start, end);
    if (!head) {
      throw new JournalError(
        `The journal ${file} has a line that is not a journal record (line ${lineNumber}), before its last one: it was changed by hand or damaged. Move it aside to start a new journal.`,
        { code: "JOURNAL_CORRUPT" },
      );
    }
    place(index, head.key, head.state, offset, end - start);
  };
  let chunkOffset = 0;
  let pending: Buffer | undefined;
  let pendingOffset = 0;
  for await (const chunk of createReadStream(file, { end: size - 1, highWaterMark: 1024 * 1024 }) as AsyncIterable<Buffer>) {
    let start = 0;
    if (pending) {
      const newline = chunk.indexOf(NEWLINE);
      if (newline === -1) {
        pending = Buffer.concat([pending, chunk]);
        chunkOffset += chunk.length;
        continue;
      }
      const line = Buffer.concat([pending, chunk.subarray(0, newline)]);
      take(line, 0, line.length, pendingOffset);
      pending = undefined;
      start = newline + 1;
    }
    for (let at = chunk.indexOf(NEWLINE, start); at !== -1; at = chunk.indexOf(NEWLINE, start)) {
      take(chunk, start, at, chunkOffset + start);
      start = at + 1;
    }
    if (start < chunk.length) {
      pending = chunk.subarray(start);
      pendingOffset = chunkOffset + start;
    }
    chunkOffset += chunk.length;
  }
  // A crash mid-append leaves part of a line: it never counted (its append had not resolved).
  if (pending) await truncate(file, pendingOffset);
  return { index, size: pending ? pendingOffset : size };
}

const PREFIX = Buffer.from(`{"v":${JOURNAL_VERSION},"key":"`);
const STATE = Buffer.from(',"state":"');
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * The key and state of the line at bytes[start, end), read without parsing the rest: lines written here begin
 * `{"v":1,"key":"<key>","provider":"<name>","state":"<state>"`. A line of another shape (or a key with escapes) is
 * parsed whole.
 */
function headOf(bytes: Buffer, start: number, end: number): { key: string; state: string } | undefined {
  const keyStart = start + PREFIX.length;
  if (end > keyStart && bytes.compare(PREFIX, 0, PREFIX.length, start, keyStart) === 0) {
    const keyEnd = bytes.indexOf(QUOTE, keyStart);
    const escaped = keyEnd === -1 || keyEnd >= end || bytes.subarray(keyStart, keyEnd).includes(BACKSLASH);
    const stateAt = escaped ? -1 : bytes.indexOf(STATE, keyEnd);
    if (stateAt !== -1 && stateAt < end) {
      const stateStart = stateAt + STATE.length;
      const stateEnd = bytes.indexOf(QUOTE, stateStart);
      if (stateEnd !== -1 && stateEnd < end) {
        return { key: bytes.toString("utf8", keyStart, keyEnd), state: bytes.toString("latin1", stateStart, stateEnd) };
      }
    }
  }
  try {
    const record = JSON.parse(bytes.toString("utf8", start, end)) as JournalRecord;
    return record?.v === JOURNAL_VERSION && typeof record.key === "string" && typeof record.state === "string"
      ? { key: record.key, state: record.state }
      : undefined;
  } catch {
    return undefined;
  }
}

class FileJournal implements UploadJournal {
  private waiting: { line: string; record: JournalRecord; done: () => void; failed: (error: unknown) => void }[] = [];
  private flushing: Promise<void> | undefined;
  private broken: JournalError | undefined;

  constructor(
    readonly description: string,
    private readonly index: Map<string, LinePlaces>,
    private readonly handle: FileHandle,
    /** Bytes in the file: where the next line goes. */
    private size: number,
    private readonly release: () => Promise<void>,
  ) {}

  async get(key: string): Promise<JournalRecord | undefined> {
    const places = this.index.get(key);
    if (!places) return undefined;
    let state: JournalRecord | undefined;
    for (let at = 0; at < places.length; at += 2) {
      const length = places[at + 1] as number;
      const buffer = Buffer.alloc(length);
      await this.handle.read(buffer, 0, length, places[at] as number);
      let record: JournalRecord;
      try {
        record = JSON.parse(buffer.toString("utf8")) as JournalRecord;
      } catch {
        throw new JournalError(
          `The journal ${this.description} has a damaged line for ${key}. Move it aside to start a new journal.`,
          {
            code: "JOURNAL_CORRUPT",
          },
        );
      }
      state = mergeRecord(state, record);
    }
    return state;
  }

  append(record: JournalRecord): Promise<void> {
    if (this.broken) return Promise.reject(this.broken);
    const line = `${JSON.stringify(record)}\n`;
    return new Promise<void>((done, failed) => {
      this.waiting.push({ line, record, done, failed });
      this.flushing ??= this.flush();
    });
  }

  /** Writes and fsyncs the lines waiting, batch after batch, until none wait; then indexes them and resolves. */
  private async flush(): Promise<void> {
    while (this.waiting.length > 0) {
      const batch = this.waiting;
      this.waiting = [];
      const text = batch.map((entry) => entry.line).join("");
      try {
        await this.handle.write(text);
        await this.handle.sync();
      } catch (error) {
        this.broken = new JournalError(`Cannot write the journal ${this.description}: ${(error as Error).message}`, {
          code: "JOURNAL_WRITE",
          cause: error,
        });
        for (const entry of [...batch, ...this.waiting]) entry.failed(this.broken);
        this.waiting = [];
        break;
      }
      let offset = this.size;
      for (const entry of batch) {
        const length = Buffer.byteLength(entry.line);
        place(this.index, entry.record.key, entry.record.state, offset, length - 1);
        offset += length;
        entry.done();
      }
      this.size = offset;
    }
    this.flushing = undefined;
  }

  async close(): Promise<void> {
    await this.flushing;
    await this.handle.close().catch(() => {});
    await this.release();
  }
}

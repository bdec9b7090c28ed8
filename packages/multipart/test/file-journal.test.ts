import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { JOURNAL_VERSION, type JournalRecord } from "../src/core/journal/upload-journal.js";
import { openFileJournal } from "../src/node/file-journal.js";

const dir = mkdtempSync(join(tmpdir(), "uploadkit-file-journal-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const source = (path: string, size: number) => ({ kind: "file" as const, size, path, mtimeMs: 1, edgesSha256: "a".repeat(64) });
const line = (key: string, state: JournalRecord["state"], extra: Partial<JournalRecord> = {}): JournalRecord => ({
  v: JOURNAL_VERSION,
  key,
  provider: "record360",
  state,
  ...extra,
  at: "2026-12-03T00:00:00.000Z",
  ...(state === "started" ? { source: source(key, key.length) } : {}),
});

describe("file journal", () => {
  it("reads back every file across many 1 MiB chunks, keys of any characters, and cuts a torn last line", async () => {
    const path = join(dir, "many.journal");
    const keys = Array.from({ length: 20_000 }, (_, n) =>
      n % 1000 === 7 ? `/lib/quote"back\\slash-${n}.jpg` : n % 1000 === 9 ? `/lib/été 📷 ${n}.jpg` : `/lib/f-${n}.jpg`,
    );
    const journal = await openFileJournal(path);
    // Appends made together are written and fsync'd together (one batch), each file's lines in order.
    for (let from = 0; from < keys.length; from += 2000) {
      const batch = keys.slice(from, from + 2000);
      const appends = batch.flatMap((key, offset) => {
        const n = from + offset;
        return [
          journal.append(line(key, "started", { ids: { fileId: `id-${n}` } })),
          journal.append(line(key, "session", { session: { fileId: `id-${n}`, uploadId: "u".repeat(100) } })),
          ...(n % 3 !== 0 ? [journal.append(line(key, "done", { id: `id-${n}`, result: { id: `id-${n}` } }))] : []),
        ];
      });
      await Promise.all(appends);
    }
    await journal.close?.();
    expect(statSync(path).size).toBeGreaterThan(4 * 1024 * 1024);
    const whole = readFileSync(path);
    appendFileSync(path, '{"v":1,"key":"/lib/torn.jpg","provider":"record360","sta');

    const reopened = await openFileJournal(path);
    expect(readFileSync(path).equals(whole)).toBe(true);
    for (const n of [0, 1, 2, 7, 9, 1007, 5009, 19_998, 19_999]) {
      const record = await reopened.get(keys[n] as string);
      expect(record).toMatchObject({ key: keys[n], state: n % 3 === 0 ? "session" : "done", ids: { fileId: `id-${n}` } });
      expect(record?.source?.size).toBe((keys[n] as string).length);
      if (n % 3 !== 0) expect(record?.id).toBe(`id-${n}`);
      else expect(record?.session).toMatchObject({ fileId: `id-${n}` });
    }
    expect(await reopened.get("/lib/torn.jpg")).toBeUndefined();
    // A file started again after it was done (a changed file) starts afresh.
    await reopened.append(line(keys[1] as string, "started", { ids: { fileId: "again" } }));
    expect(await reopened.get(keys[1] as string)).toMatchObject({ state: "started", ids: { fileId: "again" } });
    expect((await reopened.get(keys[1] as string))?.id).toBeUndefined();
    await reopened.close?.();
    const third = await openFileJournal(path);
    expect(await third.get(keys[1] as string)).toMatchObject({ state: "started", ids: { fileId: "again" } });
    await third.close?.();
  });

  it("refuses a damaged line before the last, and a line of another format, naming the line", async () => {
    const path = join(dir, "damaged.journal");
    writeFileSync(
      path,
      `${JSON.stringify(line("/a", "started"))}\n{"v":1,"key":"/b",garbage\n${JSON.stringify(line("/c", "started"))}\n`,
    );
    await expect(openFileJournal(path)).rejects.toMatchObject({ name: "JournalError", code: "JOURNAL_CORRUPT" });
    await expect(openFileJournal(path)).rejects.toThrow(/line 2/);
    writeFileSync(path, `${JSON.stringify({ v: 2, key: "/a", state: "started" })}\n`);
    await expect(openFileJournal(path)).rejects.toMatchObject({ code: "JOURNAL_CORRUPT" });
  });
});

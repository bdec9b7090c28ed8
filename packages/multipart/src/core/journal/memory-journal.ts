import { type JournalRecord, mergeRecord, type UploadJournal } from "./upload-journal.js";

/** A journal held in memory (tests, or a store of your own to build on): `lines` has every record appended. */
export function memoryJournal(): UploadJournal & { readonly lines: readonly JournalRecord[] } {
  const state = new Map<string, JournalRecord>();
  const lines: JournalRecord[] = [];
  return {
    description: "an in-memory journal",
    lines,
    get: (key) => state.get(key),
    async append(record) {
      lines.push(record);
      state.set(record.key, mergeRecord(state.get(record.key), record));
    },
  };
}

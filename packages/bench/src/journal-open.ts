import { createWriteStream, rmSync } from "node:fs";
import { join } from "node:path";
import { fileJournal } from "@uploadkit/multipart";

/** How long `fileJournal` takes to open a journal of `entries` finished files (3 lines each, as a run writes them). */
export async function measureJournalOpen(
  scratch: string,
  entries: number,
): Promise<{ entries: number; mib: number; ms: number }> {
  const path = join(scratch, "open.journal");
  const out = createWriteStream(path);
  let bytes = 0;
  for (let n = 0; n < entries; n++) {
    const key = `/library/shoot-${Math.floor(n / 500)}/IMG_${String(n).padStart(6, "0")}.jpg`;
    const source = { kind: "file", size: 1_000_000 + n, path: key, mtimeMs: 1_760_000_000_000 + n, edgesSha256: "ab".repeat(32) };
    const fileId = `${String(n).padStart(8, "0")}-0000-4000-8000-000000000000`;
    // As the engine writes them: the identity on `started`, ids on `session`, the id and result on `done`.
    const base = { v: 1, key, provider: "record360" };
    const lines = [
      { ...base, state: "started", ids: { fileId }, at: "2026-12-03T10:00:00.000Z", source },
      {
        ...base,
        state: "session",
        session: { fileId, uploadId: "u".repeat(40), partCount: 1 },
        ids: { fileId },
        at: "2026-12-03T10:00:00.100Z",
      },
      {
        ...base,
        state: "done",
        id: fileId,
        result: { id: fileId, filesize: 1_000_000 + n, provider: "record360", size: 1_000_000 + n, contentType: "image/jpeg" },
        at: "2026-12-03T10:00:00.200Z",
      },
    ];
    const text = `${lines.map((line) => JSON.stringify(line)).join("\n")}\n`;
    bytes += text.length;
    if (!out.write(text)) await new Promise<void>((resolve) => out.once("drain", () => resolve()));
  }
  await new Promise<void>((resolve) => out.end(() => resolve()));
  const started = performance.now();
  const journal = await fileJournal(path);
  const ms = performance.now() - started;
  const sample = await journal.get("/library/shoot-0/IMG_000007.jpg");
  if (sample?.state !== "done") throw new Error("the journal did not read back its entries");
  await journal.close?.();
  rmSync(path, { force: true });
  return { entries, mib: bytes / 1024 / 1024, ms };
}

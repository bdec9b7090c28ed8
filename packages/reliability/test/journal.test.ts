import { createHash, randomBytes } from "node:crypto";
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createFanvueClient } from "@uploadkit/fanvue";
import { createFlowkiwiClient } from "@uploadkit/flowkiwi";
import { AdaptiveRateLimiter, fileJournal, JournalError, type JournalRecord } from "@uploadkit/multipart";
import { createOfauthClient } from "@uploadkit/ofauth";
import { createRecord360Client } from "@uploadkit/record360";
import { type Sandbox, startSandbox } from "@uploadkit/sandbox";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MP4_HEAD } from "./support/fixtures.js";

const PNG = Buffer.from("89504e470d0a1a0a0000000d49484452", "hex");
type Provider = "fanvue" | "ofauth" | "record360" | "flowkiwi";
const PROVIDERS: Provider[] = ["fanvue", "ofauth", "record360", "flowkiwi"];
let sandbox: Sandbox;
let dir: string;

function clientFor(provider: Provider, limiter?: AdaptiveRateLimiter) {
  const rateLimit = limiter ? { limiter } : undefined;
  switch (provider) {
    case "fanvue":
      return createFanvueClient({ baseUrl: sandbox.fanvue.baseUrl, token: sandbox.fanvue.credentials.token, rateLimit });
    case "ofauth":
      return createOfauthClient({ baseUrl: sandbox.ofauth.baseUrl, ...sandbox.ofauth.credentials, rateLimit });
    case "record360":
      return createRecord360Client({ baseUrl: sandbox.record360.baseUrl, token: sandbox.record360.credentials.token, rateLimit });
    case "flowkiwi":
      return createFlowkiwiClient({ baseUrl: sandbox.flowkiwi.baseUrl, ...sandbox.flowkiwi.credentials, rateLimit });
  }
}

/** Uploads through the provider's own client, the way a user calls it (one signature for the four, for the test). */
function uploadMany(provider: Provider, items: unknown[], options: Record<string, unknown>) {
  const client = clientFor(provider) as unknown as {
    uploadMany(
      items: unknown[],
      options: unknown,
    ): Promise<{ ok: boolean; journal?: string; result?: { id: string }; error?: unknown }[]>;
  };
  return client.uploadMany(items, options);
}

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");
const calls = (provider: Provider, mark: number) => sandbox.requests.slice(mark).filter((r) => r.server === provider).length;
const journalLines = (path: string) =>
  readFileSync(path, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as JournalRecord);

function writeFiles(folder: string, count: number, head: Buffer = PNG): { path: string; bytes: Buffer }[] {
  return Array.from({ length: count }, (_, n) => {
    const bytes = Buffer.concat([head, randomBytes(20_000 + n * 997)]);
    const path = join(folder, `m${n}.${head === PNG ? "png" : "mp4"}`);
    writeFileSync(path, bytes);
    return { path, bytes };
  });
}

/** Every finished upload at the provider, as the SHA-256 of its stored bytes. */
async function storedHashes(provider: Provider): Promise<string[]> {
  const fake = sandbox[provider];
  return Promise.all(fake.finished().map((id) => sandbox.objectSha256(fake.keyOf(id) as string)));
}

beforeAll(async () => {
  sandbox = await startSandbox();
  dir = mkdtempSync(join(tmpdir(), "uploadkit-journal-"));
});
afterAll(async () => {
  await sandbox?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe.each(PROVIDERS)("journal: %s", (provider) => {
  it("uploads each file once across runs: done files make no call, a crash before the last line is asked of the provider, a changed file is new", async () => {
    const folder = mkdtempSync(join(dir, `${provider}-`));
    const journal = join(folder, "upload.journal");
    const files = writeFiles(folder, 6);
    const paths = files.map((f) => f.path);
    const before = (await storedHashes(provider)).length;

    const first = await uploadMany(provider, paths, { journal, filesConcurrency: 3 });
    expect(first.map((o) => [o.ok, o.journal])).toEqual(paths.map(() => [true, "uploaded"]));
    const stored = await storedHashes(provider);
    expect(stored.length - before).toBe(6);
    for (const file of files) expect(stored).toContain(sha256(file.bytes));
    const ids = first.map((o) => o.result?.id);
    expect(
      journalLines(journal)
        .filter((l) => l.state === "done")
        .map((l) => l.id),
    ).toEqual(expect.arrayContaining(ids));

    // Again: nothing sent, not one call.
    let mark = sandbox.requests.length;
    const again = await uploadMany(provider, paths, { journal });
    expect(again.map((o) => [o.journal, o.result?.id])).toEqual(ids.map((id) => ["done", id]));
    expect(calls(provider, mark)).toBe(0);

    // A crash between the provider's answer and the journal's last line: the `done` lines of two files are lost.
    const lines = readFileSync(journal, "utf8").split("\n").filter(Boolean);
    const lost = new Set([paths[1], paths[4]]);
    writeFileSync(
      journal,
      `${lines
        .filter((line) => {
          const record = JSON.parse(line) as JournalRecord;
          return !(record.state === "done" && lost.has(record.key));
        })
        .join("\n")}\n`,
    );
    mark = sandbox.requests.length;
    const afterCrash = await uploadMany(provider, paths, { journal });
    expect(afterCrash.map((o) => o.journal)).toEqual(paths.map((p) => (lost.has(p) ? "found" : "done")));
    expect((await storedHashes(provider)).length - before).toBe(6);
    expect(calls(provider, mark)).toBeGreaterThan(0);

    // A file changed since: uploaded as a new file, the others untouched.
    appendFileSync(paths[2] as string, randomBytes(1000));
    const changed = await uploadMany(provider, paths, { journal });
    expect(changed.map((o) => o.journal)).toEqual(paths.map((p) => (p === paths[2] ? "changed" : "done")));
    const now = await storedHashes(provider);
    expect(now.length - before).toBe(7);
    expect(now).toContain(sha256(readFileSync(paths[2] as string)));
  });
});

describe("journal file", () => {
  it("ignores (and cuts off) a torn last line; refuses a damaged line before it; one run at a time", async () => {
    const folder = mkdtempSync(join(dir, "file-"));
    const path = join(folder, "j.journal");
    const [file] = writeFiles(folder, 1);
    const first = await uploadMany("record360", [file?.path], { journal: path });
    expect(first[0]?.journal).toBe("uploaded");
    const whole = readFileSync(path, "utf8");
    appendFileSync(path, '{"v":1,"key":"/x","provider":"record360","state":"sta');
    const mark = sandbox.requests.length;
    const again = await uploadMany("record360", [file?.path], { journal: path });
    expect(again[0]?.journal).toBe("done");
    expect(calls("record360", mark)).toBe(0);
    expect(readFileSync(path, "utf8")).toBe(whole);

    writeFileSync(path, `${whole.split("\n")[0]}\nnot json\n${whole.split("\n").slice(1).join("\n")}`);
    await expect(fileJournal(path)).rejects.toMatchObject({ name: "JournalError", code: "JOURNAL_CORRUPT" });
    await expect(fileJournal(path)).rejects.toBeInstanceOf(JournalError);

    const open = await fileJournal(join(folder, "other.journal"));
    await expect(fileJournal(join(folder, "other.journal"))).rejects.toMatchObject({ code: "JOURNAL_LOCKED" });
    await open.close?.();
  });

  it("Record360: a run that died after choosing the file_id (before the start call's answer) reuses it", async () => {
    const folder = mkdtempSync(join(dir, "ids-"));
    const path = join(folder, "j.journal");
    const [file] = writeFiles(folder, 1);
    const first = await uploadMany("record360", [file?.path], { journal: path });
    const started = journalLines(path).find((l) => l.state === "started");
    const chosen = started?.ids?.fileId;
    expect(chosen).toMatch(/^[0-9a-f-]{36}$/);
    expect(first[0]?.result?.id).toBe(chosen);
    // Only the `started` line survived: the provider never saw this file_id complete.
    writeFileSync(path, `${JSON.stringify({ ...started, ids: { fileId: "0b7c2f3e-1d2a-4c5b-9e8f-7a6b5c4d3e2f" } })}\n`);
    const again = await uploadMany("record360", [file?.path], { journal: path });
    expect(again[0]).toMatchObject({ ok: true, journal: "uploaded", result: { id: "0b7c2f3e-1d2a-4c5b-9e8f-7a6b5c4d3e2f" } });
  });

  it("a checkpoint left at a path for other bytes (a replaced file) does not stop a journaled run: the file is new", async () => {
    const folder = mkdtempSync(join(dir, "stale-"));
    const [file] = writeFiles(folder, 1);
    const checkpoint = join(folder, "stale.checkpoint.json");
    writeFileSync(
      checkpoint,
      JSON.stringify({
        version: 1,
        provider: "record360",
        source: { kind: "file", size: 1, path: file?.path, mtimeMs: 1 },
        session: { fileId: "f", uploadId: "u", presignedUrls: ["https://example.invalid/x"], partCount: 1 },
        parts: [],
        createdAt: "",
        updatedAt: "",
      }),
    );
    const outcomes = await uploadMany("record360", [{ input: file?.path, options: { checkpoint } }], {
      journal: join(folder, "j.journal"),
    });
    expect(outcomes[0]).toMatchObject({ ok: true, journal: "changed" });
    const key = sandbox.record360.keyOf(outcomes[0]?.result?.id as string) as string;
    expect(await sandbox.objectSha256(key)).toBe(sha256(file?.bytes as Buffer));
  });

  it("Record360: a file in flight resumes from its checkpoint (only the parts not stored are sent)", async () => {
    const folder = mkdtempSync(join(dir, "resume-"));
    const path = join(folder, "j.journal");
    const checkpoint = join(folder, "big.checkpoint.json");
    const big = join(folder, "big.mp4");
    writeFileSync(big, Buffer.concat([MP4_HEAD, randomBytes(15 * 1024 * 1024)]));
    const controller = new AbortController();
    const item = {
      input: big,
      options: {
        checkpoint,
        partCount: 3,
        concurrency: 1,
        signal: controller.signal,
        onProgress: (p: { partsDone: number }) => {
          if (p.partsDone >= 1) controller.abort();
        },
      },
    };
    const first = await uploadMany("record360", [item], { journal: path });
    expect(first[0]?.ok).toBe(false);
    expect(journalLines(path).map((l) => l.state)).toEqual(["started", "session"]);
    const mark = sandbox.requests.length;
    const again = await uploadMany("record360", [{ input: big, options: { checkpoint, partCount: 3 } }], { journal: path });
    expect(again[0]).toMatchObject({ ok: true, journal: "resumed" });
    const partPuts = sandbox.requests.slice(mark).filter((r) => r.server === "store" && r.method === "PUT").length;
    expect(partPuts).toBe(2);
    expect(await sandbox.objectSha256(sandbox.record360.keyOf(again[0]?.result?.id as string) as string)).toBe(
      sha256(readFileSync(big)),
    );
  });
});

describe("shared rate limit", () => {
  it("429s from the API slow every file down together; all files arrive; refusals are counted", async () => {
    const folder = mkdtempSync(join(dir, "rate-"));
    const files = writeFiles(folder, 60);
    sandbox.rateLimit.callsPerSecond = 25;
    const refusedBefore = sandbox.rateLimit.counts.refused;
    try {
      const limiter = new AdaptiveRateLimiter();
      const client = clientFor("record360", limiter);
      const outcomes = await client.uploadMany(
        files.map((f) => f.path),
        { filesConcurrency: 16 },
      );
      expect(outcomes.filter((o) => !o.ok)).toEqual([]);
      const refused = sandbox.rateLimit.counts.refused - refusedBefore;
      expect(refused).toBeGreaterThan(0);
      expect(limiter.stats.refused).toBe(refused);
      expect(limiter.stats.waitedMs).toBeGreaterThan(0);
      for (const [n, outcome] of outcomes.entries()) {
        if (!outcome.ok) continue;
        const key = sandbox.record360.keyOf(outcome.result.id) as string;
        expect(await sandbox.objectSha256(key)).toBe(sha256(files[n]?.bytes as Buffer));
      }
    } finally {
      sandbox.rateLimit.callsPerSecond = 0;
    }
  });
});

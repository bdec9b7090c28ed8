import { createHash, randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { type Sandbox, scratchDir, startSandbox } from "@uploadkit/sandbox";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { shardOf } from "../src/shard.js";
import { type CliRun, runCli } from "./support/run-cli.js";

const PNG = Buffer.from("89504e470d0a1a0a0000000d49484452", "hex");
const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");
const dir = scratchDir("cli-bulk", { onSignal: true });
let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startSandbox({ providers: ["record360", "flowkiwi"] });
});
afterAll(async () => {
  await sandbox?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** A library of `count` PNGs of 2–8 KiB spread over `folders` subfolders; returns path → SHA-256. */
function library(name: string, count: number, folders = 10): { root: string; files: Map<string, string> } {
  const root = join(dir, name);
  const files = new Map<string, string>();
  for (let n = 0; n < count; n++) {
    const folder = join(root, `shoot-${n % folders}`);
    mkdirSync(folder, { recursive: true });
    const bytes = Buffer.concat([PNG, randomBytes(2048 + ((n * 613) % 6144))]);
    const path = join(folder, `img-${n}.png`);
    writeFileSync(path, bytes);
    files.set(path, sha256(bytes));
  }
  return { root, files };
}

/** Runs `uploadkit …` in `cwd`; with `killAfter`, SIGKILLs it once that many JSON lines (finished files) were printed. */
function run(args: string[], cwd: string, killAfter?: number): Promise<CliRun> {
  const env = {
    RECORD360_TOKEN: sandbox.record360.credentials.token,
    FLOWKIWI_TOKEN: sandbox.flowkiwi.credentials.token,
    FLOWKIWI_ORGANIZATION_ID: sandbox.flowkiwi.credentials.organizationId,
  };
  return runCli(args, cwd, env, killAfter);
}

const csvRows = (path: string) =>
  readFileSync(path, "utf8")
    .trim()
    .split("\n")
    .slice(1)
    .map((line) => {
      const [file, id, size, seconds, outcome, attempts] = line.split(",");
      return {
        file: file as string,
        id: id as string,
        size: Number(size),
        seconds: Number(seconds),
        outcome,
        attempts: Number(attempts),
      };
    });

describe("uploadkit upload <folder> --journal", () => {
  it("killed with SIGKILL halfway through 1,000 files under a rate limit, run again: every file at the provider exactly once, journal and report list every file with its id, under 4 % of calls refused", async () => {
    const { root, files } = library("kill9", 1000);
    const before = sandbox.record360.finished().length;
    sandbox.rateLimit.callsPerSecond = 80;
    const counts = { ...sandbox.rateLimit.counts };
    try {
      const args = [
        "upload",
        "record360",
        root,
        "--recursive",
        "--journal",
        "upload.journal",
        "--report",
        "report.csv",
        "--json",
        "--base-url",
        sandbox.record360.baseUrl,
      ];
      const killed = await run(args, dir, 500);
      expect(killed.signal).toBe("SIGKILL");
      const doneBefore = sandbox.record360.finished().length - before;
      expect(doneBefore).toBeGreaterThanOrEqual(500);
      expect(doneBefore).toBeLessThan(1000);

      const again = await run(args, dir);
      expect(again.stderr.split("\n").filter((l) => /error|failed/i.test(l))).toEqual([]);
      expect(again.code).toBe(0);
      expect(again.stderr).toMatch(/^1000 files: \d+ uploaded, .*\d+ already done \(journal\)/m);

      // At the provider: 1,000 uploads, one per file, each with its file's bytes.
      const ids = sandbox.record360.finished().slice(before);
      expect(ids).toHaveLength(1000);
      const stored = await Promise.all(ids.map((id) => sandbox.objectSha256(sandbox.record360.keyOf(id) as string)));
      expect(new Set(stored)).toEqual(new Set(files.values()));

      // The journal: every file done, with the id the provider holds.
      const done = new Map<string, string>();
      for (const line of readFileSync(join(dir, "upload.journal"), "utf8").trim().split("\n")) {
        const record = JSON.parse(line) as { key: string; state: string; id?: string };
        if (record.state === "done") done.set(record.key, record.id as string);
      }
      expect(new Set(done.keys())).toEqual(new Set(files.keys()));
      expect(new Set(done.values())).toEqual(new Set(ids));

      // The report of the second run: every file, with its id and how it went.
      const rows = csvRows(join(dir, "report.csv"));
      expect(rows).toHaveLength(1000);
      expect(new Set(rows.map((r) => resolve(dir, r.file)))).toEqual(new Set(files.keys()));
      for (const row of rows) {
        expect(row.id).toBe(done.get(resolve(dir, row.file)));
        expect(["uploaded", "resumed", "done", "found"]).toContain(row.outcome);
        expect(row.attempts).toBeGreaterThanOrEqual(1);
      }
      expect(rows.filter((r) => r.outcome === "done").length).toBeGreaterThanOrEqual(500);

      const accepted = sandbox.rateLimit.counts.accepted - counts.accepted;
      const refused = sandbox.rateLimit.counts.refused - counts.refused;
      expect(refused / (accepted + refused)).toBeLessThan(0.04);
    } finally {
      sandbox.rateLimit.callsPerSecond = 0;
    }
  }, 300_000);

  it("lists folders lazily (subfolders only with --recursive, hidden files never), globs, skips what the provider cannot take with a line each, and --shard splits a library with no overlap", async () => {
    const { root, files } = library("shards", 40, 4);
    writeFileSync(join(root, "notes.txt"), "not media");
    writeFileSync(join(root, ".DS_Store"), "x");
    mkdirSync(join(root, "top"), { recursive: true });
    writeFileSync(join(root, "top", "a.png"), Buffer.concat([PNG, randomBytes(3000)]));

    const flat = await run(["upload", "record360", root, "--json", "--base-url", sandbox.record360.baseUrl], dir);
    expect(flat.code).toBe(0);
    const flatLines = flat.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { file: string; skipped?: boolean; reason?: string });
    expect(flatLines).toEqual([
      expect.objectContaining({
        skipped: true,
        file: "notes.txt",
        reason: expect.stringMatching(/Record360 does not accept text\/plain/),
      }),
    ]);
    expect(flat.stderr).toMatch(/^1 file: 0 uploaded, 1 skipped \(not taken by the provider\)\./m);

    const glob = await run(
      ["upload", "record360", `${relative(dir, root)}/shoot-1/*.png`, "--json", "--base-url", sandbox.record360.baseUrl],
      dir,
    );
    expect(glob.code).toBe(0);
    expect(glob.stdout.trim().split("\n")).toHaveLength(10);

    const seen: string[] = [];
    for (const shard of ["1/3", "2/3", "3/3"]) {
      const part = await run(
        [
          "upload",
          "record360",
          relative(dir, root),
          "-r",
          "--shard",
          shard,
          "--report",
          `shard-${shard[0]}.jsonl`,
          "--base-url",
          sandbox.record360.baseUrl,
        ],
        dir,
      );
      expect(part.code).toBe(0);
      const rows = readFileSync(join(dir, `shard-${shard[0]}.jsonl`), "utf8")
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l) as { path: string; outcome: string });
      for (const row of rows) expect(shardOf(row.path, 3)).toBe(Number(shard[0]));
      seen.push(...rows.filter((r) => r.outcome !== "skipped").map((r) => join(dir, r.path)));
    }
    expect(seen.sort()).toEqual([...files.keys(), join(root, "top", "a.png")].sort());
  });

  it("a glob that matches no file fails like a path that names none (exit 1, a line and a report row saying so); an empty folder is noted, not failed; a shard with none of a glob's files is no failure", async () => {
    const { root } = library("unmatched", 6, 2);
    mkdirSync(join(root, "empty"), { recursive: true });
    writeFileSync(join(root, ".hidden.mp4"), PNG);
    const base = ["--json", "--base-url", sandbox.record360.baseUrl];
    const pattern = `${relative(dir, root)}/**/*.jpg`;
    const hiddenOnly = `${relative(dir, root)}/*.mp4`; // .hidden.mp4 is a hidden file: a glob never matches one
    const none = await run(["upload", "record360", pattern, hiddenOnly, "--report", "unmatched.jsonl", ...base], dir);
    expect(none.code).toBe(1);
    const lines = none.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { ok: boolean; file: string; error?: string });
    expect(lines).toEqual(
      [pattern, hiddenOnly].map((file) =>
        expect.objectContaining({ ok: false, file, error: expect.stringMatching(/^no file matches .*Check the pattern\.$/) }),
      ),
    );
    expect(none.stderr).toMatch(/^2 files: 0 uploaded, 2 failed\./m);
    const rows = readFileSync(join(dir, "unmatched.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as object);
    expect(rows).toEqual(
      [pattern, hiddenOnly].map((path) => expect.objectContaining({ path, outcome: "failed", provider_id: "" })),
    );

    // An empty folder is no failure: a note says so, with the hint of --recursive when it was not given.
    const empty = await run(["upload", "record360", "unmatched/empty", ...base], dir);
    expect(empty).toMatchObject({ code: 0, stdout: "" });
    expect(empty.stderr).toMatch(
      /^unmatched\/empty: no files to upload in this folder \(files in its subfolders are uploaded with --recursive\)\.\n0 files: 0 uploaded\./m,
    );
    const emptyTree = await run(["upload", "record360", "unmatched/empty", "-r", ...base], dir);
    expect(emptyTree).toMatchObject({ code: 0, stdout: "" });
    expect(emptyTree.stderr).toMatch(/^unmatched\/empty: no files to upload in this folder\.\n0 files: 0 uploaded\./m);

    // shoot-0's 3 PNGs over 5 shards: at least two shards hold none of them, and they are not told the glob matched none.
    const printed: string[][] = [];
    for (const shard of ["1/5", "2/5", "3/5", "4/5", "5/5"]) {
      const part = await run(["upload", "record360", `${relative(dir, root)}/shoot-0/*.png`, "--shard", shard, ...base], dir);
      expect(part.code).toBe(0);
      printed.push(part.stdout.trim().split("\n").filter(Boolean));
    }
    expect(printed.filter((lines) => lines.length === 0).length).toBeGreaterThanOrEqual(2);
    expect(printed.flat().map((l) => JSON.parse(l) as { ok: boolean })).toEqual(
      [1, 2, 3].map(() => expect.objectContaining({ ok: true })),
    );
  });

  it("Flowkiwi: a run killed mid-flight is finished by the next; a file the provider stored but the journal missed is found by its SHA-256, not sent again", async () => {
    const { root, files } = library("kiwi", 60, 3);
    const before = sandbox.flowkiwi.finished().length;
    const args = [
      "upload",
      "flowkiwi",
      root,
      "-r",
      "--journal",
      "kiwi.journal",
      "--json",
      "--base-url",
      sandbox.flowkiwi.baseUrl,
    ];
    const killed = await run(args, dir, 20);
    expect(killed.signal).toBe("SIGKILL");
    // Lose the last `done` lines, as a crash between the provider's 201 and the journal's fsync would.
    const journal = join(dir, "kiwi.journal");
    const lines = readFileSync(journal, "utf8").trim().split("\n");
    const lastDone = lines.map((l) => JSON.parse(l) as { state: string }).findLastIndex((r) => r.state === "done");
    writeFileSync(journal, `${lines.filter((_, n) => n !== lastDone).join("\n")}\n`);
    const again = await run(args, dir);
    expect(again.code).toBe(0);
    const outcomes = again.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { journal?: string });
    expect(outcomes.filter((o) => o.journal === "found").length).toBeGreaterThanOrEqual(1);
    const ids = sandbox.flowkiwi.finished().slice(before);
    expect(ids).toHaveLength(60);
    const stored = await Promise.all(ids.map((id) => sandbox.objectSha256(sandbox.flowkiwi.keyOf(id) as string)));
    expect(new Set(stored)).toEqual(new Set(files.values()));
  }, 120_000);
});

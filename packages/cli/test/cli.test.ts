import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Sandbox, scratchDir, startSandbox } from "@uploadkit/sandbox";
import { stopOnExit } from "@uploadkit/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkpointPath } from "../src/checkpoint-path.js";

const BIN = fileURLToPath(new URL("../dist/bin.js", import.meta.url));
const MiB = 1024 * 1024;
const dir = scratchDir("cli", { onSignal: true });
const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");
let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ providers: ["record360", "fanvue"] });
});
afterAll(async () => {
  await sandbox?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function file(name: string, size: number) {
  const bytes = randomBytes(size);
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return { path, bytes };
}

/** Runs `uploadkit …` with the sandbox's Record360 credentials in the environment. */
function run(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    // Killed with the test process: a CLI that never ends fails its test, and is not left running.
    const child = stopOnExit(
      spawn(process.execPath, [BIN, ...args], {
        cwd: dir,
        env: { PATH: process.env.PATH, RECORD360_TOKEN: sandbox.record360.credentials.token, ...env },
      }),
    );
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c));
    child.stderr.on("data", (c: Buffer) => (stderr += c));
    child.on("exit", (code) => resolve({ code, stdout, stderr }));
  });
}

const stored = (id: string) => sandbox.objectSha256(sandbox.record360.keyOf(id) as string);

describe("uploadkit upload", () => {
  it("--json prints one object per file, and the bytes arrive intact", async () => {
    const a = file("a.mp4", 6 * MiB);
    const b = file("b.jpg", 1000);
    const result = await run([
      "upload",
      "record360",
      a.path,
      b.path,
      "--base-url",
      sandbox.record360.baseUrl,
      "--json",
      "--content-type",
      "video/mp4",
    ]);
    expect(result.code).toBe(0);
    const lines = result.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(lines).toHaveLength(2);
    // Files upload a few at a time: each object arrives as its file ends, named by `file`.
    const ofA = lines.find((line) => line.file === a.path);
    const ofB = lines.find((line) => line.file === b.path);
    expect(ofA).toMatchObject({ ok: true, provider: "record360", size: 6 * MiB, parts: 1 });
    expect(await stored(ofA.id)).toBe(sha256(a.bytes));
    expect(await stored(ofB.id)).toBe(sha256(b.bytes));
  });

  it("prints plain progress lines when output is not a terminal", async () => {
    const a = file("plain.mp4", 2 * MiB);
    const result = await run([
      "upload",
      "record360",
      a.path,
      "--base-url",
      sandbox.record360.baseUrl,
      "--content-type",
      "video/mp4",
    ]);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/plain\.mp4: 0\.0% 0\.00\/2\.00 MiB/);
    expect(result.stderr).toMatch(/plain\.mp4: done — id [\w-]+ — completed, 2\.00 MiB in/);
    expect(result.stderr).toMatch(/^1 file: 1 uploaded\.$/m);
    expect(result.stderr).not.toContain(sandbox.record360.credentials.token);
  });

  /** Runs `uploadkit …` in a pseudo-terminal (util-linux `script`), returning what the screen shows, escapes removed. */
  function inTerminal(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; screen: string }> {
    const command = [process.execPath, BIN, ...args].map((arg) => `'${arg.replace(/'/g, `'\\''`)}'`).join(" ");
    return new Promise((resolve) => {
      const child = spawn("script", ["-qec", `stty cols 100; ${command}`, "/dev/null"], {
        cwd: dir,
        env: { PATH: process.env.PATH, TERM: "xterm", RECORD360_TOKEN: sandbox.record360.credentials.token, ...env },
      });
      let out = "";
      child.stdout.on("data", (c: Buffer) => (out += c));
      child.on("exit", (code) =>
        // biome-ignore lint/suspicious/noControlCharactersInRegex: terminal escapes are what is removed
        resolve({ code, screen: out.replace(/\x1b(\[[0-9;?]*[a-zA-Z]|[78])/g, "").replace(/\r/g, "\n") }),
      );
    });
  }

  describe("in a terminal", () => {
    it("draws a progress bar, then ends each file's line in its result and the run in a summary", async () => {
      const a = file("tty.mp4", 3 * MiB);
      const result = await inTerminal([
        "upload",
        "record360",
        a.path,
        "--base-url",
        sandbox.record360.baseUrl,
        "--content-type",
        "video/mp4",
      ]);
      expect(result.code).toBe(0);
      expect(result.screen).toMatch(
        /tty\.mp4 +[█░]+ \d+% \| [\d.]+\/3\.00 MiB \| ([\d.]+|--) MiB\/s \| ETA (\S+) \| parts \d\/(1|\?)/,
      );
      expect(result.screen).not.toMatch(/NaN|Infinity/);
      const id = /tty\.mp4 ✔ id ([\w-]+) — completed/.exec(result.screen)?.[1] as string;
      expect(await stored(id)).toBe(sha256(a.bytes));
      expect(result.screen).toMatch(/1 file: 1 uploaded\./);
    });

    it("shows every bad input's error on screen, naming the flag to change", async () => {
      const empty = file("empty.mp4", 0);
      const pdf = join(dir, "doc.pdf");
      writeFileSync(pdf, "%PDF-1.4\n%%EOF\n");
      mkdirSync(join(dir, "a-folder"), { recursive: true });
      const changed = file("changed.mp4", 64 * 1024);
      const checkpointDir = join(dir, "cp");
      const checkpoint = checkpointPath(checkpointDir, "record360", changed.path);
      mkdirSync(checkpointDir, { recursive: true });
      const fingerprint = { kind: "file", size: 1, path: changed.path, mtimeMs: 1 };
      writeFileSync(
        checkpoint,
        JSON.stringify({
          version: 1,
          provider: "record360",
          source: fingerprint,
          session: {},
          parts: [],
          createdAt: "",
          updatedAt: "",
        }),
      );
      const result = await inTerminal([
        "upload",
        "record360",
        join(dir, "missing.mp4"),
        join(dir, "a-folder"),
        empty.path,
        pdf,
        changed.path,
        "--base-url",
        sandbox.record360.baseUrl,
        "--checkpoint-dir",
        checkpointDir,
      ]);
      expect(result.code).toBe(1);
      expect(result.screen).toMatch(/missing\.mp4 ✖ invalid input: File not found: .*missing\.mp4\. Check the path\./);
      expect(result.screen).toMatch(/empty\.mp4 ✖ invalid input: .*is empty \(0 bytes\)/);
      expect(result.screen).toMatch(
        /doc\.pdf ✖ invalid input: Record360 does not accept application\/pdf .* Pass --content-type if/,
      );
      expect(result.screen).toMatch(/changed\.mp4 ✖ .*was made for other bytes/);
      // A folder is listed (empty here): files named on the command line that the provider cannot take still fail.
      expect(result.screen).toMatch(/4 files: 0 uploaded, 4 failed\./);

      const png = join(dir, "big.png");
      writeFileSync(png, Buffer.concat([Buffer.from("89504e470d0a1a0a", "hex"), Buffer.alloc(6_000_000)]));
      const kiwiSize = await inTerminal(["upload", "flowkiwi", png, "--sandbox"]);
      expect(kiwiSize.screen).toMatch(
        /big\.png ✖ invalid input: The file .*big\.png is 6\.00 MB \(image\/png\); Flowkiwi accepts non-video files up to 5 MB\./,
      );
    });
  });

  it("--verbose logs every API call and part attempt to stderr without a secret; RECORD360_BASE_URL points the provider", async () => {
    const a = file("verbose.mp4", 11 * MiB);
    const result = await run(
      ["upload", "record360", a.path, "--json", "--verbose", "--content-type", "video/mp4", "--part-count", "2"],
      {
        RECORD360_BASE_URL: sandbox.record360.baseUrl,
      },
    );
    expect(result.code).toBe(0);
    const line = JSON.parse(result.stdout.trim());
    expect(await stored(line.id)).toBe(sha256(a.bytes));
    expect(result.stderr).toMatch(/\[uploadkit\] api GET .*multipart_upload_start.* → 200/);
    expect(result.stderr).toMatch(/\[uploadkit\] part 2: PUT /);
    expect(result.stderr).toMatch(/\[uploadkit\] api POST .*multipart_upload_complete.* → 200/);
    expect(result.stderr).not.toContain(sandbox.record360.credentials.token);
    expect(result.stderr).not.toMatch(/X-Amz-(Signature|Credential)=/i);
  });

  it("a missing credential exits 2 and names the variable to set", async () => {
    const a = file("nocred.jpg", 10);
    const result = await run(["upload", "record360", a.path], { RECORD360_TOKEN: "" });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("Missing record360 credential: set RECORD360_TOKEN or pass --token.");
    const unknown = await run(["upload", "myspace", a.path]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/Unknown provider "myspace"/);
    const badFlag = await run(["upload", "record360", a.path, "--concurrency", "0"]);
    expect(badFlag.code).toBe(2);
    // A token read from a file often keeps its line break: refused before any call, naming where it came from.
    const fromFile = await run(["upload", "record360", a.path], { RECORD360_TOKEN: "tok-from-file-xq7\r\n" });
    expect(fromFile.code).toBe(2);
    expect(fromFile.stderr).toContain("The record360 credential from RECORD360_TOKEN cannot be sent: it has a line break.");
    expect(fromFile.stderr).not.toContain("xq7");
    const flagged = await run(["upload", "record360", a.path, "--token", " tok-xq7"]);
    expect(flagged.code).toBe(2);
    expect(flagged.stderr).toContain("The record360 credential from --token cannot be sent: it starts or ends with a space.");
    expect(flagged.stderr).not.toContain("xq7");
    const ftp = await run(["upload", "record360", a.path, "--base-url", "ftp://files.example/api"]);
    expect(ftp.code).toBe(2);
    expect(ftp.stderr).toContain("error: --base-url must be an absolute http:// or https:// URL, got one starting ftp:.");
    // Fanvue's API version goes in a header on every call: a line break in it is a usage error naming the flag.
    const version = await run(["upload", "fanvue", a.path, "--api-version", "2025-06-26\nX-Injected: 1"], { FANVUE_TOKEN: "t" });
    expect(version.code).toBe(2);
    expect(version.stderr).toContain("error: --api-version cannot be sent as a header: it has a line break.");
    // The demo's folder: one that cannot be made (under a file; under /proc, where Node's recursive mkdir spins) ends
    // at once, naming --dir.
    for (const dir of [join(a.path, "demo"), ...(existsSync("/proc/self") ? ["/proc/uploadkit-demo"] : [])]) {
      const demo = await run(["demo", "--dir", dir]);
      expect(demo.code, dir).toBe(2);
      expect(demo.stderr).toContain(`error: --dir ${dir}: cannot write the sample media there`);
    }
    // A flag only other providers take would be ignored, and one every file would fail on alike: both refused
    // before anything starts.
    for (const [provider, flag, message] of [
      ["record360", ["--wait"], "--wait is for fanvue; record360 does not take it."],
      ["ofauth", ["--file-id", "f1"], "--file-id is for record360; ofauth does not take it."],
      ["ofauth", ["--token", "t"], "--token is for fanvue, record360, flowkiwi; ofauth does not take it."],
      ["flowkiwi", ["--part-size", "5MiB"], "--part-size is for fanvue, record360; flowkiwi does not take it."],
      ["ofauth", ["--part-count", "2"], "--part-count is for fanvue, record360; ofauth does not take it."],
      // Flags every file would fail on alike.
      ["record360", ["--content-type", "bad"], '--content-type must be a MIME type such as video/mp4, got "bad".'],
      ["fanvue", ["--content-type", "video/mp4\r\nX-Injected: 1"], "--content-type must be a MIME type such as video/mp4"],
      ["fanvue", ["--name", ""], "--name is empty: give the media's display name, or leave it out to use each file's name."],
    ] as const) {
      const result = await run(["upload", provider, a.path, ...flag], {
        OFAUTH_API_KEY: "k",
        OFAUTH_CONNECTION_ID: "c",
        FANVUE_TOKEN: "t",
        FLOWKIWI_TOKEN: "t",
        FLOWKIWI_ORGANIZATION_ID: "o",
        FLOWKIWI_TENANT: "acme",
      });
      expect(result.code, message).toBe(2);
      expect(result.stderr).toContain(`error: ${message}`);
    }
  });

  it("a report or journal that cannot be opened ends the run at once, naming the flag, with nothing left running", async () => {
    const a = file("noreport.jpg", 10);
    mkdirSync(join(dir, "report.csv"), { recursive: true });
    for (const [report, why] of [
      [join(dir, "no-such-folder", "r.csv"), "its folder does not exist"],
      [join(dir, "report.csv"), "it is a folder"],
    ] as const) {
      const result = await run(["upload", "record360", a.path, "--sandbox", "--report", report]);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`error: --report ${report}: cannot write this file (${why}).`);
    }
    // A journal file that cannot be opened is the run's error before any file is listed (no "0 files" summary).
    const journal = await run(["upload", "record360", a.path, "--sandbox", "--journal", join(a.path, "run.journal")]);
    expect(journal.code).toBe(1);
    expect(journal.stderr).toMatch(/^error: Cannot lock the journal .*noreport\.jpg\/run\.journal: ENOTDIR/m);
    expect(journal.stderr).not.toMatch(/files?:/);
    // The sandbox is up when Redis is found unreachable: it is stopped, and the process ends instead of waiting on it.
    const unreachable = await run(["upload", "record360", a.path, "--sandbox", "--journal", "redis://w:pw-kept@127.0.0.1:1/run"]);
    expect(unreachable.code).toBe(75);
    expect(unreachable.stderr).toMatch(/^error: the Redis journal "run": Redis at 127\.0\.0\.1:1 could not be reached/m);
    expect(unreachable.stderr).not.toContain("pw-kept");
  });

  it("a failed upload exits 1 with the provider's status and message", async () => {
    const a = file("denied.jpg", 10);
    const result = await run([
      "upload",
      "record360",
      a.path,
      "--base-url",
      sandbox.record360.baseUrl,
      "--token",
      "wrong-token-value",
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/the provider answered 401 \(auth\): .*Not Authenticated/);
    expect(result.stderr).not.toContain("wrong-token-value");
  });

  it("Ctrl-C aborts cleanly (exit 130, checkpoint kept, resume command printed); a rerun resumes to a verified object", async () => {
    const big = file("big.mov", 300 * MiB);
    const args = [
      "upload",
      "record360",
      big.path,
      "--base-url",
      sandbox.record360.baseUrl,
      "--part-count",
      "20",
      "--concurrency",
      "1",
    ];
    const child: ChildProcess = spawn(process.execPath, [BIN, ...args], {
      cwd: dir,
      env: { PATH: process.env.PATH, RECORD360_TOKEN: sandbox.record360.credentials.token },
    });
    let stderr = "";
    const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
    await new Promise<void>((resolve) => {
      child.stderr?.on("data", (chunk: Buffer) => {
        stderr += chunk;
        if (/parts [1-9]\d*\/20/.test(stderr)) resolve();
      });
      child.on("exit", () => resolve());
    });
    child.kill("SIGINT");
    expect(await exited).toBe(130);
    expect(stderr).toMatch(
      /Interrupted\. The checkpoint .*\.uploadkit\/record360-big\.mov-\w+\.json is kept\. Resume with:\n {2}uploadkit upload record360/,
    );
    const checkpoints = readdirSync(join(dir, ".uploadkit"));
    expect(checkpoints).toHaveLength(1);
    const putsBefore = sandbox.requests.filter((r) => r.server === "store").length;
    const resumed = await run([...args, "--json"]);
    expect(resumed.code).toBe(0);
    const { id } = JSON.parse(resumed.stdout.trim());
    expect(await stored(id)).toBe(sha256(big.bytes));
    expect(sandbox.requests.filter((r) => r.server === "store").length - putsBefore).toBeLessThan(20);
    expect(existsSync(join(dir, ".uploadkit", checkpoints[0] as string))).toBe(false);
  }, 180_000); // 300 MiB twice through s3rver: slow on a busy 2-core machine, not a timing assertion

  it("--help works for every command", () => {
    for (const args of [["--help"], ["upload", "--help"], ["demo", "--help"], ["sandbox", "--help"]]) {
      const result = spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8" });
      expect(result.status, args.join(" ")).toBe(0);
      expect(result.stdout).toMatch(/Usage: uploadkit/);
    }
  });
});

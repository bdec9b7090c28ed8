import { execFile } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { scratchDir } from "@uploadkit/sandbox";
import { describe, expect, it } from "vitest";
import { CONTESTANTS } from "../src/job.js";

const CLI = fileURLToPath(new URL("../dist/cli.js", import.meta.url));

describe("pnpm bench --quick (smoke test: no timing assertions)", () => {
  it("measures every contestant on both targets and writes valid JSON and an SVG chart", async () => {
    const out = scratchDir("bench-out", { onSignal: true });
    try {
      const { stdout } = await promisify(execFile)(process.execPath, [CLI, "--quick", "--out", out], {
        maxBuffer: 16 * 1024 * 1024,
      });
      expect(stdout).toContain("uploadkit ÷ lib-storage");
      const results = JSON.parse(readFileSync(join(out, "latest.json"), "utf8")) as {
        machine: { node: string };
        browser?: {
          sizeMiB: number;
          uploadkit: { mibPerSecond: { median: number } };
          plain: { mibPerSecond: { median: number } };
          ratio: number;
        };
        checks: { section: string; what: string; value: number; met: boolean }[];
        bulk: { files: number; exitCode: number; apiCalls: number; peakRssMiB: number; peakOpenFds: number };
        rows: {
          target: string;
          contestant: string;
          sizeBytes: number;
          mibPerSecond: { median: number };
          peakRssMiB: { median: number };
        }[];
      };
      expect(results.machine.node).toBe(process.version);
      expect(results.rows).toHaveLength(CONTESTANTS.length * 2);
      expect(new Set(results.rows.map((r) => r.target))).toEqual(new Set(["null-sink", "s3-store"]));
      for (const row of results.rows) {
        expect(row.mibPerSecond.median, `${row.target} ${row.contestant}`).toBeGreaterThan(0);
        expect(row.peakRssMiB.median).toBeGreaterThan(0);
      }
      expect(readFileSync(join(out, "latest.svg"), "utf8")).toMatch(/^<svg[\s\S]*<\/svg>\n$/);
      // The bulk section ran the CLI over its folder: every file took its two Record360 calls at least.
      expect(stdout).toContain("Bulk (uploadkit upload <folder> --journal, shared rate limit)");
      expect(results.bulk).toMatchObject({ files: 30, exitCode: 0 });
      expect(results.bulk.apiCalls).toBeGreaterThanOrEqual(60);
      expect(results.bulk.peakRssMiB).toBeGreaterThan(0);
      expect(results.bulk.peakOpenFds).toBeGreaterThan(0);
      // The browser section uploaded its File from Chromium (test:all installs it) to the sink on another origin:
      // both contestants' parts were all answered with the MD5 ETags the sink was given.
      expect(results.browser).toMatchObject({ sizeMiB: 16 });
      expect(results.browser?.uploadkit.mibPerSecond.median).toBeGreaterThan(0);
      expect(results.browser?.plain.mibPerSecond.median).toBeGreaterThan(0);
      // One table of every check, each with this run's figure: the browser ratio and the bulk share among them.
      expect(stdout).toContain("| section | measure | this run | target | met | beside it |");
      const whats = results.checks.map((c) => c.what);
      expect(whats).toEqual(
        expect.arrayContaining([
          "uploadkit ÷ plain fetch loop",
          "longest main-thread task",
          "account's rate used",
          "calls refused",
          "integrity on ÷ raw undici",
        ]),
      );
      expect(readFileSync(join(out, "latest.svg"), "utf8")).toContain("Against each target");
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
    expect(existsSync(out)).toBe(false);
  });
});

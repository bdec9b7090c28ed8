import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PROVIDERS, ROOT } from "../lib/providers.mjs";

/** A scratch copy of what `pnpm generate` reads and writes, so the test can change specs freely. */
function scratchCopy() {
  const dir = mkdtempSync(join(tmpdir(), "uploadkit-generate-"));
  cpSync(join(ROOT, "scripts"), join(dir, "scripts"), { recursive: true });
  cpSync(join(ROOT, "specs"), join(dir, "specs"), { recursive: true });
  const registry = join("packages", "providers", "src", "providers.json");
  cpSync(join(ROOT, registry), join(dir, registry));
  for (const provider of PROVIDERS) {
    cpSync(join(ROOT, "packages", provider, "src", "generated"), join(dir, "packages", provider, "src", "generated"), {
      recursive: true,
    });
  }
  symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"), "dir");
  return dir;
}

const generate = (dir, ...args) =>
  spawnSync(process.execPath, [join(dir, "scripts", "generate.mjs"), ...args], { encoding: "utf8" });

describe("pnpm generate and its drift check", () => {
  let dir;
  beforeAll(() => {
    dir = scratchCopy();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("passes on the committed specs and generated files", () => {
    const result = generate(dir, "--check");
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
  });

  it("catches a spec change that was not regenerated, then regenerates it", () => {
    const spec = join(dir, "specs", "record360", "openapi.yaml");
    writeFileSync(
      spec,
      readFileSync(spec, "utf8").replace(
        "        checksum:\n",
        "        storage_class:\n          type: string\n        checksum:\n",
      ),
    );
    const stale = generate(dir, "--check");
    expect(stale.status).toBe(1);
    expect(stale.stderr).toContain("packages/record360/src/generated/openapi.ts");
    expect(generate(dir, "record360").status).toBe(0);
    expect(readFileSync(join(dir, "packages", "record360", "src", "generated", "openapi.ts"), "utf8")).toContain(
      "storage_class?: string",
    );
    // Regenerated, but the hand-edited spec is not pinned yet: the check names it.
    const unpinned = generate(dir, "--check");
    expect(unpinned.status).toBe(1);
    expect(unpinned.stderr).toContain("specs/record360/openapi.yaml changed without its pin");
    const pin = spawnSync(process.execPath, [join(dir, "scripts", "specs-pin.mjs"), "record360", "--source", "a test edit"], {
      encoding: "utf8",
    });
    expect(pin.status).toBe(0);
    expect(generate(dir, "--check").status).toBe(0);
  });

  it("re-derives a provider's document when a newer upstream drop lands", () => {
    const upstream = join(dir, "specs", "fanvue", "upstream", "create-upload-session.yaml");
    writeFileSync(
      upstream,
      readFileSync(upstream, "utf8").replace(
        "        - value: document\n",
        "        - value: document\n        - value: archive\n",
      ),
    );
    const stale = generate(dir, "--check");
    expect(stale.status).toBe(1);
    expect(stale.stderr).toContain("specs/fanvue/openapi.yaml");
    execFileSync(process.execPath, [join(dir, "scripts", "generate.mjs"), "fanvue"]);
    const types = readFileSync(join(dir, "packages", "fanvue", "src", "generated", "openapi.ts"), "utf8");
    expect(types).toContain('"image" | "video" | "audio" | "document" | "archive"');
  });

  it("names an unknown provider", () => {
    const result = generate(dir, "myspace");
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('Unknown provider "myspace"');
  });
});

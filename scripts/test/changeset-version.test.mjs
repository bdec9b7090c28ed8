import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "../lib/providers.mjs";

/** The release configuration on a scratch copy (manifests and .changeset/ only): `changeset version`, no publish. */
describe("changeset version (dry run on a scratch copy)", () => {
  let dir;
  const manifest = (name) => JSON.parse(readFileSync(join(dir, "packages", name, "package.json"), "utf8"));
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "uploadkit-release-"));
    for (const file of ["package.json", "pnpm-workspace.yaml"]) cpSync(join(ROOT, file), join(dir, file));
    cpSync(join(ROOT, ".changeset", "config.json"), join(dir, ".changeset", "config.json"));
    for (const name of readdirSync(join(ROOT, "packages"))) {
      cpSync(join(ROOT, "packages", name, "package.json"), join(dir, "packages", name, "package.json"));
    }
    writeFileSync(
      join(dir, ".changeset", "multipart-fix.md"),
      '---\n"@uploadkit/multipart": patch\n---\n\nA fix in the shared runtime.\n',
    );
    writeFileSync(join(dir, ".changeset", "fanvue-feature.md"), '---\n"@uploadkit/fanvue": minor\n---\n\nA new Fanvue option.\n');
    execFileSync(process.execPath, [join(ROOT, "node_modules/@changesets/cli/bin.js"), "version"], { cwd: dir, stdio: "pipe" });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("bumps the packages named in changesets", () => {
    expect(manifest("multipart").version).toBe("0.0.1");
    expect(manifest("fanvue").version).toBe("0.1.0");
  });

  it("bumps internal dependents of a changed package (updateInternalDependencies)", () => {
    for (const name of ["ofauth", "record360", "flowkiwi", "cli"]) expect(manifest(name).version, name).toBe("0.0.1");
    expect(manifest("fanvue").dependencies["@uploadkit/multipart"]).toBe("workspace:^");
  });

  it("writes CHANGELOGs with the changeset text and consumes the changesets", () => {
    const changelog = readFileSync(join(dir, "packages", "fanvue", "CHANGELOG.md"), "utf8");
    expect(changelog).toContain("## 0.1.0");
    expect(changelog).toContain("A new Fanvue option.");
    expect(readFileSync(join(dir, "packages", "multipart", "CHANGELOG.md"), "utf8")).toContain("A fix in the shared runtime.");
    expect(readdirSync(join(dir, ".changeset")).filter((f) => f.endsWith(".md"))).toEqual([]);
  });

  it("leaves private packages alone", () => {
    expect(manifest("testkit").version).toBe("0.0.0");
    expect(existsSync(join(dir, "packages", "testkit", "CHANGELOG.md"))).toBe(false);
  });
});

// The changesets waiting in the repository, as the release workflow's `changeset version` will take them: one that
// names a private package beside published ones ("mixed") stops the whole version step.
describe("changeset version on the repository's own pending changesets (scratch copy)", () => {
  it("takes every one of them and bumps only published packages", () => {
    const dir = mkdtempSync(join(tmpdir(), "uploadkit-release-"));
    try {
      for (const file of ["package.json", "pnpm-workspace.yaml"]) cpSync(join(ROOT, file), join(dir, file));
      cpSync(join(ROOT, ".changeset"), join(dir, ".changeset"), { recursive: true });
      for (const folder of ["packages", "examples"]) {
        for (const name of readdirSync(join(ROOT, folder))) {
          const manifest = join(ROOT, folder, name, "package.json");
          if (existsSync(manifest)) cpSync(manifest, join(dir, folder, name, "package.json"));
        }
      }
      const pending = readdirSync(join(dir, ".changeset")).filter((file) => file.endsWith(".md") && file !== "README.md");
      execFileSync(process.execPath, [join(ROOT, "node_modules/@changesets/cli/bin.js"), "version"], { cwd: dir, stdio: "pipe" });
      expect(pending.length).toBeGreaterThan(0);
      expect(readdirSync(join(dir, ".changeset")).filter((file) => file.endsWith(".md") && file !== "README.md")).toEqual([]);
      expect(JSON.parse(readFileSync(join(dir, "packages", "testkit", "package.json"), "utf8")).version).toBe("0.0.0");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

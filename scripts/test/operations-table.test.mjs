import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import YAML from "yaml";
import { END, operationsTable, START, scopesOf, withOperationsTable } from "../lib/operations-table.mjs";
import { PROVIDERS, ROOT } from "../lib/providers.mjs";

describe("the README's list of operations", () => {
  it("reads the scopes as Fanvue writes them, in every form its pages use", () => {
    expect(scopesOf("x\\n\\n<Info>Scope required: `read:chat`</Info>")).toEqual(["read:chat"]);
    expect(scopesOf("<Info>Scopes required: `read:creator` `read:chat` `read:fan`</Info>")).toEqual([
      "read:creator",
      "read:chat",
      "read:fan",
    ]);
    expect(scopesOf("Scopes required: `write:creator`, `write:media`")).toEqual(["write:creator", "write:media"]);
    expect(scopesOf("Scope required: `write:chat` `read:fan'")).toEqual(["write:chat", "read:fan"]);
    expect(scopesOf('Scope required: `read:media`."')).toEqual(["read:media"]);
    expect(scopesOf("No scope here. Or later: read:media")).toEqual([]);
  });

  it.each(PROVIDERS)("%s: one row per operation of the spec", (provider) => {
    const text = readFileSync(join(ROOT, "specs", provider, "openapi.yaml"), "utf8");
    const spec = YAML.parse(text);
    const keys = Object.entries(spec.paths).flatMap(([path, item]) =>
      ["get", "put", "post", "delete", "patch"].filter((m) => item[m]).map((m) => `${m.toUpperCase()} ${path}`),
    );
    const table = operationsTable(text);
    const rows = table.split("\n").filter((line) => line.startsWith("| `"));
    expect(rows.map((row) => /^\| `([^`]+)`/.exec(row)?.[1]).sort()).toEqual(keys.sort());
  });

  it("replaces only what is between the markers, and leaves a README without them alone", () => {
    const text = readFileSync(join(ROOT, "specs/record360/openapi.yaml"), "utf8");
    const readme = `# Title\n\nbefore\n${START}\nstale\n${END}\nafter\n`;
    const written = withOperationsTable(readme, text);
    expect(written).toMatch(/^# Title\n\nbefore\n<!-- operations:start -->\n\d+ operations/);
    expect(written).not.toContain("stale");
    expect(written?.endsWith(`${END}\nafter\n`)).toBe(true);
    expect(withOperationsTable(written, text)).toBe(written);
    expect(withOperationsTable("# no markers\n", text)).toBeUndefined();
  });

  it("the Fanvue README lists every operation with its scopes and paged lists", () => {
    const readme = readFileSync(join(ROOT, "packages/fanvue/README.md"), "utf8");
    expect(readme).toContain("| `POST /chats/{userUuid}/message` | Send a message | `write:chat` |  |");
    expect(readme).toContain("| `GET /subscribers` |");
    expect(readme).toMatch(/\| `GET \/insights\/earnings` \|.*\| `paginate` \(cursor\) \|/);
  });
});

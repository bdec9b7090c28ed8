import { execFile } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { describe, expect, inject, it } from "vitest";

// A web app's TypeScript, from the packed packages, with no Node types at all (`types: []`, libraries checked):
// every option and result of the client and of uploadThroughServer type-checks against DOM types alone.
const TSC = createRequire(import.meta.url).resolve("typescript/bin/tsc");

describe("types in a web app", () => {
  it("@uploadkit/record360 and uploadThroughServer type-check with no @types/node and no skipLibCheck", async () => {
    const dir = join(inject("packedApp"), "web-types");
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, "app.ts"),
      `import { createRecord360Client, uploadThroughServer } from "@uploadkit/record360";
const client = createRecord360Client({ token: "t", rateLimit: { maxCallsPerSecond: 5 } });
export const done: Promise<{ id: string }> = client.uploadMedia(new Blob(["x"]), { filename: "a.mp4", checkpoint: "key" });
export const viaServer = uploadThroughServer<{ saved: string }>(new Blob(["x"]), { endpoint: "/uploads" });
`,
    );
    writeFileSync(
      join(dir, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          target: "es2022",
          module: "esnext",
          moduleResolution: "bundler",
          lib: ["es2022", "dom", "dom.iterable"],
          types: [],
          strict: true,
          noEmit: true,
          skipLibCheck: false,
        },
        files: ["app.ts"],
      }),
    );
    const result = await new Promise<{ code: number; out: string }>((resolve) =>
      execFile(process.execPath, [TSC, "-p", "tsconfig.json"], { cwd: dir }, (error, stdout, stderr) =>
        resolve({ code: error ? 1 : 0, out: `${stdout}${stderr}` }),
      ),
    );
    rmSync(dir, { recursive: true, force: true });
    expect(result.out).toBe("");
    expect(result.code).toBe(0);
  });
});

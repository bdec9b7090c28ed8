import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Sandbox, startSandbox } from "@uploadkit/sandbox";
import { build } from "esbuild";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { startWorkerd } from "../src/workerd.js";

const MiB = 1024 * 1024;
let work: string;
let sandbox: Sandbox;
let files: Server;
let filesOrigin: string;
let workerd: { origin: string; stop(): Promise<void> };
let bundled: string[];
const bytes = Buffer.concat([Buffer.from("\0\0\0\x18ftypmp42", "latin1"), randomBytes(7 * MiB + 999)]);

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "uploadkit-workerd-"));
  const result = await build({
    entryPoints: [join(inject("packedApp"), "edge", "upload-worker.ts")],
    bundle: true,
    format: "esm",
    platform: "browser",
    conditions: ["workerd", "worker"],
    outfile: join(work, "worker.js"),
    metafile: true,
    logLevel: "silent",
  });
  bundled = Object.keys(result.metafile.inputs);
  sandbox = await startSandbox({ providers: ["record360"] });
  files = createServer((_req, res) => res.writeHead(200, { "content-type": "video/mp4" }).end(bytes));
  await new Promise<void>((resolve) => files.listen(0, "127.0.0.1", resolve));
  filesOrigin = `http://127.0.0.1:${(files.address() as { port: number }).port}`;
  workerd = await startWorkerd(work, "worker.js");
});

afterAll(async () => {
  await workerd?.stop();
  await new Promise((resolve) => files?.close(resolve));
  await sandbox?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe("workerd, a Web-standard runtime with no Node compatibility", () => {
  it("bundles the packed package's web build (workerd/worker conditions), with no Node built-in", () => {
    expect(bundled.some((path) => /@uploadkit\/multipart\/dist\/web\/runtime\.js$/.test(path))).toBe(true);
    expect(bundled.filter((path) => /\/dist\/node\/|node_modules\/(undici|file-type|mime-types)\//.test(path))).toEqual([]);
  });

  it("uploads a file to Record360 in parts, verified by SHA-256 at the store", async () => {
    const answer = await fetch(`${workerd.origin}/`, {
      method: "POST",
      body: JSON.stringify({
        baseUrl: sandbox.record360.baseUrl,
        token: sandbox.record360.credentials.token,
        fileUrl: `${filesOrigin}/clip.mp4`,
        partSize: 5 * MiB,
      }),
    });
    const outcome = (await answer.json()) as {
      ok: boolean;
      id: string;
      message?: string;
      events: { loaded: number; partsDone: number; partsTotal: number }[];
    };
    expect(outcome, outcome.message).toMatchObject({ ok: true, provider: "record360", size: bytes.length });
    const key = sandbox.record360.keyOf(outcome.id) as string;
    expect(await sandbox.objectSha256(key)).toBe(createHash("sha256").update(bytes).digest("hex"));
    const last = outcome.events.at(-1);
    expect(last).toMatchObject({ loaded: bytes.length, partsDone: 2, partsTotal: 2 });
  });
});

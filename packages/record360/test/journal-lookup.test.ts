import { createHash, randomBytes } from "node:crypto";
import { rmSync, writeFileSync } from "node:fs";
import { createServer, request as httpRequest, type Server } from "node:http";
import { join } from "node:path";
import { memoryJournal, openSource } from "@uploadkit/multipart";
import { type Sandbox, scratchDir, startSandbox } from "@uploadkit/sandbox";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRecord360Client } from "../src/index.js";

// Record360's lookup of a file a journal had started (GET /api/users/uploads/{file_id}) may answer 404 for a file it
// does not have: "not stored", and the file is uploaded — not a failure.

const MP4 = Buffer.from("0000001c667479706d703432000000006d703432697336366d703431", "hex");
const dir = scratchDir("record360-lookup", { onSignal: true });
let sandbox: Sandbox;
let proxy: Server;
let proxyUrl: string;
const lookups: number[] = [];

beforeAll(async () => {
  sandbox = await startSandbox({ providers: ["record360"] });
  const upstream = new URL(sandbox.record360.baseUrl);
  // Record360 as its docs allow: a 404 for a file id it has never seen; every other call goes to the sandbox.
  proxy = createServer((req, res) => {
    if (req.method === "GET" && /^\/api\/users\/uploads\/[^/]+$/.test(req.url?.split("?")[0] ?? "")) {
      lookups.push(404);
      return void res.writeHead(404, { "content-type": "application/json" }).end('{"error":"Not found"}');
    }
    const forward = httpRequest(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
  proxyUrl = `http://127.0.0.1:${(proxy.address() as { port: number }).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => proxy?.close(resolve));
  await sandbox?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe("a journaled file Record360 answers 404 for", () => {
  it("is uploaded (journal: uploaded), with the file id the journal chose", async () => {
    const bytes = Buffer.concat([MP4, randomBytes(300_000)]);
    const path = join(dir, "started.mp4");
    writeFileSync(path, bytes);
    const journal = memoryJournal();
    const source = await (await openSource(path)).fingerprint();
    // An earlier run journaled the file as started, with its chosen id, and died before the start call.
    await journal.append({
      v: 1,
      key: path,
      provider: "record360",
      state: "started",
      source,
      ids: { fileId: "chosen-before-the-crash" },
      at: new Date().toISOString(),
    });
    const client = createRecord360Client({ token: sandbox.record360.credentials.token, baseUrl: proxyUrl });
    const [outcome] = await client.uploadMany([path], { journal });
    expect(outcome).toMatchObject({ ok: true, journal: "uploaded", result: { id: "chosen-before-the-crash" } });
    expect(lookups).toEqual([404]);
    expect(await sandbox.objectSha256(sandbox.record360.keyOf("chosen-before-the-crash") as string)).toBe(
      createHash("sha256").update(bytes).digest("hex"),
    );
  });
});

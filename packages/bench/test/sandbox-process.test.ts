import { randomBytes } from "node:crypto";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createRecord360Client } from "@uploadkit/record360";
import { scratchDir } from "@uploadkit/sandbox";
import { describe, expect, it } from "vitest";
// The built module: the child runs the file itself, which must be JavaScript.
import { startSandboxProcess } from "../dist/sandbox-process.js";
import { MP4_HEAD } from "../src/latency.js";

describe("a sandbox in a process of its own (the latency section's)", () => {
  it("serves an upload, reports every request with how long it took to answer, and stops", async () => {
    const dir = scratchDir("bench-sandbox-process", { onSignal: true });
    const sandbox = await startSandboxProcess({ providers: ["record360"], latencyMs: 30 });
    try {
      const path = join(dir, "clip.mp4");
      const bytes = Buffer.concat([MP4_HEAD, randomBytes(300_000)]);
      writeFileSync(path, bytes);
      const client = createRecord360Client({ token: sandbox.record360.credentials.token, baseUrl: sandbox.record360.baseUrl });
      const result = await client.uploadMedia(path, { contentType: "video/mp4" });
      expect(result).toBeDefined();
      const requests = await sandbox.requests();
      const api = requests.filter((request) => request.server === "record360");
      const parts = requests.filter((request) => request.server === "store" && request.method === "PUT");
      expect(api.length).toBeGreaterThanOrEqual(2);
      expect(parts.length).toBeGreaterThanOrEqual(1);
      // API answers wait out the injected latency; part bodies are not delayed.
      for (const request of api) expect(request.answeredInMs).toBeGreaterThanOrEqual(29);
    } finally {
      await sandbox.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

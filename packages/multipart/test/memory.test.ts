import { execFile } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { closeSync, openSync, writeSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { scratchDir } from "./support/files.js";

const MiB = 1024 * 1024;
const { dir, cleanup } = scratchDir();
afterAll(cleanup);

describe("memory", () => {
  it("uploads a 1 GiB file with flat memory (measured in a child process)", { timeout: 180_000 }, async () => {
    const path = join(dir, "1gib.bin");
    const block = randomBytes(MiB);
    const fd = openSync(path, "w");
    for (let i = 0; i < 1024; i++) {
      block.writeUInt32LE(i, 0);
      writeSync(fd, block);
    }
    closeSync(fd);

    let received = 0;
    const sink = createServer((req, res) => {
      const md5 = createHash("md5");
      req.on("data", (chunk: Buffer) => {
        received += chunk.length;
        md5.update(chunk);
      });
      req.on("end", () => res.writeHead(200, { etag: `"${md5.digest("hex")}"` }).end());
    });
    await new Promise<void>((resolve) => sink.listen(0, "127.0.0.1", resolve));
    const origin = `http://127.0.0.1:${(sink.address() as AddressInfo).port}`;
    try {
      const script = fileURLToPath(new URL("./support/upload-big-file.mjs", import.meta.url));
      const { stdout } = await promisify(execFile)(process.execPath, ["--expose-gc", script, path, origin]);
      const figures = JSON.parse(stdout) as { growth: number; peakRss: number; seconds: number; parts: number };
      console.log(
        `1 GiB in ${figures.parts} parts: RSS growth ${(figures.growth / MiB).toFixed(1)} MiB, peak RSS ${(figures.peakRss / MiB).toFixed(1)} MiB, ${(1024 / figures.seconds).toFixed(0)} MiB/s`,
      );
      expect(received).toBe(1024 * MiB);
      expect(figures.growth).toBeLessThan(150 * MiB);
    } finally {
      sink.closeAllConnections();
      sink.close();
    }
  });
});

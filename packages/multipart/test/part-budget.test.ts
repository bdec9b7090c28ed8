import { createHash } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import { planParts } from "../src/core/plan-parts.js";
import { openSource } from "../src/core/sources/open-source.js";
import { PartBudget } from "../src/core/transport/part-budget.js";
import { withUploadScope } from "../src/core/transport/upload-scope.js";
import { uploadParts } from "../src/core/upload/upload-parts.js";
import { randomFile, scratchDir } from "./support/files.js";

const KiB = 1024;
const { dir, cleanup } = scratchDir();
afterAll(cleanup);

describe("a part budget shared by uploads running at once", () => {
  it("never has more parts in flight than its size, across files", async () => {
    let inFlight = 0;
    let most = 0;
    const server = createServer((req, res) => {
      inFlight++;
      most = Math.max(most, inFlight);
      const hash = createHash("md5");
      req.on("data", (chunk: Buffer) => hash.update(chunk));
      // Hold each part a moment, so parts that are allowed to overlap do.
      req.on("end", () =>
        setTimeout(() => {
          inFlight--;
          res.writeHead(200, { etag: `"${hash.digest("hex")}"` }).end();
        }, 20),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const budget = new PartBudget(2);
      const one = async (name: string) => {
        const { path } = randomFile(dir, name, 8 * KiB);
        const source = await openSource(path);
        const parts = planParts(source.size, { minPartSize: KiB, maxPartSize: KiB, maxParts: 100 });
        return withUploadScope({ budget }, () =>
          uploadParts({ source, parts, concurrency: 4, target: (part) => ({ url: `${origin}/${name}/${part.partNumber}` }) }),
        );
      };
      const done = await Promise.all([one("a.bin"), one("b.bin"), one("c.bin")]);
      expect(done.map((parts) => parts.length)).toEqual([8, 8, 8]);
      expect(most).toBeLessThanOrEqual(2);
      expect(most).toBe(2);
    } finally {
      server.close();
    }
  });

  it("gives a waiting slot up when its upload is aborted", async () => {
    const budget = new PartBudget(1);
    const held = await budget.acquire();
    const controller = new AbortController();
    const waiting = budget.acquire(controller.signal);
    controller.abort();
    await expect(waiting).rejects.toMatchObject({ name: "AbortError" });
    held();
    const again = await budget.acquire();
    again();
  });
});

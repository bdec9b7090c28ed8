// Child process entry: a minimal HTTP server that reads and discards each body, speaking just enough of S3's
// multipart API for lib-storage. It isolates the client's cost: it does not hash what it receives (on a two-core
// machine a hashing sink takes a core from the client it measures). A part URL carries the part's size and the
// ETag a store would answer — the MD5 of the file's bytes, computed by the bench before the timer starts — and the
// sink answers that ETag only when the body had exactly that many bytes (400 otherwise). It answers a page on another
// origin too (the browser section): CORS preflights allowed, the ETag exposed. GET /__cpu answers the CPU seconds
// it has used, so a run's share of the machine's work can be counted on both sides.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

const server = createServer((req, res) => {
  const url = new URL(req.url ?? "/", "http://sink");
  res.setHeader("access-control-allow-origin", "*");
  res.setHeader("access-control-expose-headers", "ETag");
  if (req.method === "GET" && url.pathname === "/__cpu") {
    const { user, system } = process.cpuUsage();
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ cpuSeconds: (user + system) / 1e6 }));
    return;
  }
  if (req.method === "OPTIONS") {
    res.writeHead(204, {
      "access-control-allow-methods": "PUT",
      "access-control-allow-headers": "*",
      "access-control-max-age": "600",
    });
    res.end();
    return;
  }
  let received = 0;
  req.on("data", (chunk: Buffer) => {
    received += chunk.length;
  });
  req.on("end", () => {
    if (req.method === "POST" && url.searchParams.has("uploads")) {
      res.writeHead(200, { "content-type": "application/xml" });
      res.end(
        "<InitiateMultipartUploadResult><Bucket>b</Bucket><Key>k</Key><UploadId>sink-upload</UploadId></InitiateMultipartUploadResult>",
      );
    } else if (req.method === "POST" && url.searchParams.has("uploadId")) {
      res.writeHead(200, { "content-type": "application/xml" });
      res.end(
        '<CompleteMultipartUploadResult><Bucket>b</Bucket><Key>k</Key><ETag>"sink-1"</ETag></CompleteMultipartUploadResult>',
      );
    } else {
      const size = url.searchParams.get("size");
      if (size !== null && Number(size) !== received) {
        res.writeHead(400).end(`expected ${size} bytes, received ${received}`);
        return;
      }
      res.writeHead(200, { etag: `"${url.searchParams.get("etag") ?? "sink"}"` }).end();
    }
  });
});
server.keepAliveTimeout = 10_000;
server.listen(0, "127.0.0.1", () => {
  console.log(JSON.stringify({ port: (server.address() as AddressInfo).port }));
});

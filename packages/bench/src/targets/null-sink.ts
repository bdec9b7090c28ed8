// Child process entry: a minimal HTTP server that reads and discards each body and answers with an MD5 ETag,
// speaking just enough of S3's multipart API for lib-storage. It isolates the client's cost.
import { createHash } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

const server = createServer((req, res) => {
  const url = new URL(req.url ?? "/", "http://sink");
  const md5 = createHash("md5");
  req.on("data", (chunk: Buffer) => md5.update(chunk));
  req.on("end", () => {
    const etag = `"${md5.digest("hex")}"`;
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
      res.writeHead(200, { etag }).end();
    }
  });
});
server.keepAliveTimeout = 10_000;
server.listen(0, "127.0.0.1", () => {
  console.log(JSON.stringify({ port: (server.address() as AddressInfo).port }));
});

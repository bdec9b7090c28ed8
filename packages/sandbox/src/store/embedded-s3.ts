import { createHash } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import S3rver from "s3rver";
import { removeScratch, scratchDir } from "../scratch.js";
import type { S3Config } from "./store-config.js";

/** An s3rver running in this process. */
export interface EmbeddedS3 {
  /** How to reach it. */
  config: S3Config;
  /** Stops it and removes its data. */
  stop(): Promise<void>;
}

/** s3rver in this process, on 127.0.0.1, storing in a temporary directory removed on stop (or at exit; see scratchDir). */
export async function startEmbeddedS3(options: { port?: number; bucket?: string } = {}): Promise<EmbeddedS3> {
  const directory = scratchDir("s3");
  const bucket = options.bucket ?? "uploadkit-sandbox";
  const server = new S3rver({
    address: "127.0.0.1",
    port: options.port ?? 0,
    silent: true,
    directory,
    configureBuckets: [{ name: bucket }],
  });
  guardPartWrites((server as unknown as { store: S3rverStore }).store);
  const { port } = await server.run();
  return {
    config: {
      endpoint: `http://127.0.0.1:${port}`,
      bucket,
      region: "us-east-1",
      accessKeyId: "S3RVER",
      secretAccessKey: "S3RVER",
      forcePathStyle: true,
    },
    async stop() {
      // Uploads cut off mid-body leave connections open that would keep close() waiting.
      server.httpServer?.closeAllConnections();
      await server.close();
      removeScratch(directory);
    },
  };
}

interface S3rverStore {
  getResourcePath(bucket: string, key: string | undefined, resource: string): string;
  putPart(
    bucket: string,
    uploadId: string,
    partNumber: number,
    content: NodeJS.ReadableStream,
  ): Promise<{ size: number; md5: string }>;
}

/**
 * s3rver 3.7 writes a part through a file stream with no error listener: a part arriving while its upload is
 * completed or aborted, or as the sandbox stops and removes its directory (ENOENT), threw an uncaught exception in
 * the process running the sandbox. The same write, with the error going to that request's answer instead.
 */
function guardPartWrites(store: S3rverStore): void {
  store.putPart = async (bucket, uploadId, partNumber, content) => {
    const partPath = join(store.getResourcePath(bucket, undefined, "uploads"), uploadId, String(partNumber));
    await mkdir(dirname(partPath), { recursive: true });
    const md5 = createHash("md5");
    let size = 0;
    const meter = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        md5.update(chunk);
        size += chunk.length;
        callback(null, chunk);
      },
    });
    await pipeline(content, meter, createWriteStream(partPath));
    const digest = md5.digest("hex");
    await writeFile(`${partPath}.md5`, digest);
    return { size, md5: digest };
  };
}

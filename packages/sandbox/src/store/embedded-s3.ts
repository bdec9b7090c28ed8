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

import { createHash } from "node:crypto";
import { Agent as HttpAgent } from "node:http";
import { Agent as HttpsAgent } from "node:https";
import type { Readable } from "node:stream";
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import type { S3Config } from "./store-config.js";

export interface StoredObject {
  key: string;
  size: number;
  etag: string;
}

const QUIET_LOGGER = { trace() {}, debug() {}, info() {}, warn() {}, error() {} };

/**
 * How long an idle connection to the store is kept. Node and Koa servers (s3rver) close theirs after 5 s idle, and a
 * body streamed onto a connection the server is closing fails with "socket hang up", which the SDK cannot retry (it
 * cannot replay a stream). An agent with no timeout keeps idle sockets until the server closes them, and Node applies
 * a server's `Keep-Alive: timeout=N` hint only when the agent has a timeout of its own: this one has both.
 */
export const STORE_IDLE_SOCKET_MS = 4_000;

/** The S3 operations the fakes need, on any S3-compatible endpoint. */
export class S3Store {
  readonly client: S3Client;
  /** The connections to the store, dropped after {@link STORE_IDLE_SOCKET_MS} idle. */
  readonly agent: HttpAgent;
  constructor(readonly config: S3Config) {
    // The SDK's own chatter (a Node 20 support notice, "non-retryable streaming request" lines when a client cuts an
    // upload on purpose) is not the sandbox's to print: its failures still reach us as errors.
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
    const agentOptions = { keepAlive: true, maxSockets: 50, timeout: STORE_IDLE_SOCKET_MS };
    const httpsAgent = new URL(config.endpoint).protocol === "https:" ? new HttpsAgent(agentOptions) : undefined;
    this.agent = httpsAgent ?? new HttpAgent(agentOptions);
    this.client = new S3Client({
      logger: QUIET_LOGGER,
      requestHandler: httpsAgent ? { httpsAgent } : { httpAgent: this.agent },
      endpoint: config.endpoint,
      region: config.region,
      forcePathStyle: config.forcePathStyle ?? true,
      credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey },
      requestChecksumCalculation: "WHEN_REQUIRED",
      responseChecksumValidation: "WHEN_REQUIRED",
    });
  }

  get bucket(): string {
    return this.config.bucket;
  }

  async createMultipartUpload(key: string, contentType: string): Promise<string> {
    const result = await this.client.send(
      new CreateMultipartUploadCommand({ Bucket: this.bucket, Key: key, ContentType: contentType }),
    );
    if (!result.UploadId) throw new Error("the store returned no UploadId");
    return result.UploadId;
  }

  /** A presigned PUT URL for one part, valid `expiresIn` seconds. */
  presignPart(key: string, uploadId: string, partNumber: number, expiresIn: number): Promise<string> {
    return getSignedUrl(
      this.client,
      new UploadPartCommand({ Bucket: this.bucket, Key: key, UploadId: uploadId, PartNumber: partNumber }),
      {
        expiresIn,
      },
    );
  }

  presignPut(key: string, expiresIn: number): Promise<string> {
    return getSignedUrl(this.client, new PutObjectCommand({ Bucket: this.bucket, Key: key }), { expiresIn });
  }

  async uploadPart(key: string, uploadId: string, partNumber: number, body: Readable, size: number): Promise<string> {
    const result = await this.client.send(
      new UploadPartCommand({
        Bucket: this.bucket,
        Key: key,
        UploadId: uploadId,
        PartNumber: partNumber,
        Body: body,
        ContentLength: size,
      }),
    );
    if (!result.ETag) throw new Error("the store returned no ETag");
    return result.ETag;
  }

  async putObject(key: string, body: Readable, size: number, contentType: string): Promise<string> {
    const result = await this.client.send(
      new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentLength: size, ContentType: contentType }),
      { abortSignal: abortedWith(body) },
    );
    return result.ETag ?? "";
  }

  async completeMultipartUpload(key: string, uploadId: string, parts: { partNumber: number; etag: string }[]): Promise<string> {
    const result = await this.client.send(
      new CompleteMultipartUploadCommand({
        Bucket: this.bucket,
        Key: key,
        UploadId: uploadId,
        MultipartUpload: { Parts: parts.map((p) => ({ PartNumber: p.partNumber, ETag: p.etag })) },
      }),
    );
    // radosgw answers CompleteMultipartUpload with an empty <ETag>; the object's own ETag is the one to report.
    return result.ETag || ((await this.head(key))?.etag ?? "");
  }

  async abortMultipartUpload(key: string, uploadId: string): Promise<void> {
    await this.client
      .send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: key, UploadId: uploadId }))
      .catch(() => {});
  }

  async head(key: string): Promise<StoredObject | undefined> {
    try {
      const result = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return { key, size: result.ContentLength ?? 0, etag: result.ETag ?? "" };
    } catch {
      return undefined;
    }
  }

  /** SHA-256 and MD5 of a stored object, streamed. */
  async digests(key: string): Promise<{ sha256: string; md5: string; size: number }> {
    const result = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
    const sha256 = createHash("sha256");
    const md5 = createHash("md5");
    let size = 0;
    for await (const chunk of result.Body as Readable) {
      sha256.update(chunk);
      md5.update(chunk);
      size += chunk.length;
    }
    return { sha256: sha256.digest("hex"), md5: md5.digest("hex"), size };
  }

  async delete(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }

  destroy(): void {
    this.client.destroy();
    this.agent.destroy();
  }
}

/** Aborts the store request when the body it relays is cut off (the client went away mid-upload). */
function abortedWith(body: Readable): AbortSignal {
  const controller = new AbortController();
  body.once("close", () => {
    if (!body.readableEnded) controller.abort(new Error("the upload was cut off"));
  });
  return controller.signal;
}

/** Where the sandbox keeps bytes: the embedded s3rver by default, or any S3 endpoint. */
export interface S3Config {
  /** The S3 endpoint URL. */
  endpoint: string;
  /** The bucket objects are stored in. */
  bucket: string;
  /** The region to sign for. */
  region: string;
  /** The access key id. */
  accessKeyId: string;
  /** The secret access key. */
  secretAccessKey: string;
  /** Path-style URLs (MinIO, s3rver). Default true. */
  forcePathStyle?: boolean;
}

/** An S3 endpoint from `UPLOADKIT_S3_ENDPOINT`, `_BUCKET`, `_REGION`, `_ACCESS_KEY_ID`, `_SECRET_ACCESS_KEY`; undefined when not set. */
export function s3ConfigFromEnv(env: NodeJS.ProcessEnv = process.env): S3Config | undefined {
  const endpoint = env.UPLOADKIT_S3_ENDPOINT;
  if (!endpoint) return undefined;
  const missing = ["UPLOADKIT_S3_BUCKET", "UPLOADKIT_S3_ACCESS_KEY_ID", "UPLOADKIT_S3_SECRET_ACCESS_KEY"].filter(
    (name) => !env[name],
  );
  if (missing.length > 0) throw new Error(`UPLOADKIT_S3_ENDPOINT is set; also set ${missing.join(", ")}.`);
  return {
    endpoint,
    bucket: env.UPLOADKIT_S3_BUCKET as string,
    region: env.UPLOADKIT_S3_REGION ?? "us-east-1",
    accessKeyId: env.UPLOADKIT_S3_ACCESS_KEY_ID as string,
    secretAccessKey: env.UPLOADKIT_S3_SECRET_ACCESS_KEY as string,
    forcePathStyle: env.UPLOADKIT_S3_FORCE_PATH_STYLE !== "false",
  };
}

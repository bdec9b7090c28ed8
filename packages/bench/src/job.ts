/** What the parent asks a contestant child to upload, and what the child reports back. */
export interface Job {
  contestant: ContestantName;
  file: string;
  size: number;
  partSize: number;
  concurrency: number;
  /** One URL per part (presigned for the S3 store), for the part-based contestants. */
  partUrls: string[];
  /** Where a single PUT of the whole file goes. */
  singleUrl: string;
  /** S3 coordinates, for lib-storage (which talks to the store itself). */
  s3: { endpoint: string; bucket: string; key: string; region: string; accessKeyId: string; secretAccessKey: string };
}

export interface Measurement {
  seconds: number;
  /** Peak RSS of the child process (resourceUsage().maxRSS). */
  peakRssBytes: number;
  /** User + system CPU seconds of the child. */
  cpuSeconds: number;
  /** User + system CPU seconds of the child while it uploaded (every thread; start-up and imports left out). */
  uploadCpuSeconds?: number;
}

export const CONTESTANTS = ["uploadkit", "uploadkit-no-checksum", "lib-storage", "raw-undici", "raw-single-put"] as const;
export type ContestantName = (typeof CONTESTANTS)[number];

import { defineConfig } from "vitest/config";

// The end-to-end suite on a real S3 engine; `pnpm test:s3` (scripts/test-s3.mjs) provides the engine.
export default defineConfig({
  test: { include: ["s3/**/*.test.ts"], testTimeout: 180_000, hookTimeout: 120_000, fileParallelism: false },
});

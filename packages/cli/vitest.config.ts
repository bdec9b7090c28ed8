import { defineConfig } from "vitest/config";

// Three tests drive real CLI processes over 1,000–1,500 files or a 48 MiB upload: 40–49 s each on a 2-core runner,
// too near a 60 s limit for a busier one. Three minutes, as in the reliability suite.
export default defineConfig({
  test: { testTimeout: 180_000, hookTimeout: 90_000 },
});

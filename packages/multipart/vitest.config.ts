import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// Tests import the sources: `#runtime` is the Node runtime's source too (package.json maps it to dist/).
export default defineConfig({
  // As in the other packages: a busy 2-core runner may take several times a test's usual seconds.
  test: { testTimeout: 60_000, hookTimeout: 90_000 },
  resolve: {
    alias: {
      "#runtime": fileURLToPath(new URL("src/node/runtime.ts", import.meta.url)),
      "#route-server": fileURLToPath(new URL("src/core/route/upload-route.ts", import.meta.url)),
    },
  },
});

import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// Tests import the sources: `#runtime` is the Node runtime's source too (package.json maps it to dist/).
export default defineConfig({
  resolve: {
    alias: {
      "#runtime": fileURLToPath(new URL("src/node/runtime.ts", import.meta.url)),
      "#route-server": fileURLToPath(new URL("src/core/route/upload-route.ts", import.meta.url)),
    },
  },
});

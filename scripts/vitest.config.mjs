import { defineConfig } from "vitest/config";

export default defineConfig({
  // A time limit is a guard against a hang, never a speed target: a busy machine may take many times longer.
  test: { include: ["test/**/*.test.mjs"], testTimeout: 600_000 },
});

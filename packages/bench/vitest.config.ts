import { defineConfig } from "vitest/config";

export default defineConfig({
  // Time limits here guard against a hang, never a speed target: a busy machine may take many times longer.
  test: { testTimeout: 900_000, hookTimeout: 900_000 },
});

import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));

/** Seconds for `pnpm generate` of every spec: cold (turbo --force) and with turbo's cache warm. */
export function regenerationCost(): { coldSeconds: number; warmSeconds: number } {
  const time = (args: string[]) => {
    const started = performance.now();
    execFileSync(`${ROOT}node_modules/.bin/turbo`, ["run", "generate", "--output-logs=none", ...args], {
      cwd: ROOT,
      stdio: "ignore",
      env: { ...process.env, TURBO_TELEMETRY_DISABLED: "1" },
    });
    return (performance.now() - started) / 1000;
  };
  const coldSeconds = time(["--force"]);
  const warmSeconds = time([]);
  return { coldSeconds, warmSeconds };
}

import { execFileSync } from "node:child_process";

/**
 * Installs Debian `packages` with apt-get (as root), refreshing the package lists only when the install fails
 * without them (a fresh machine). Prints nothing of apt's but its errors.
 */
export function aptInstall(packages) {
  const apt = (args) =>
    execFileSync("apt-get", args, {
      stdio: ["ignore", "ignore", "inherit"],
      env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
    });
  try {
    apt(["install", "-y", "-qq", "--no-install-recommends", ...packages]);
  } catch {
    apt(["update", "-qq"]);
    apt(["install", "-y", "-qq", "--no-install-recommends", ...packages]);
  }
}

import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

import registry from "../../packages/providers/src/providers.json" with { type: "json" };

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
/** The provider names, from the one registry (@uploadkit/providers). */
export const PROVIDERS = registry.map((provider) => provider.name);

/** Where each provider's spec files live. `openapi.yaml` is what codegen, Prism and lint read. */
export function providerPaths(provider) {
  if (!PROVIDERS.includes(provider)) {
    throw new Error(`Unknown provider "${provider}". Known providers: ${PROVIDERS.join(", ")}`);
  }
  const specDir = `${ROOT}specs/${provider}/`;
  const upstreamDir = `${specDir}upstream/`;
  return {
    specDir,
    spec: `${specDir}openapi.yaml`,
    upstreamDir,
    overlay: `${specDir}overlay.yaml`,
    isDerived: existsSync(upstreamDir),
    generated: `${ROOT}packages/${provider}/src/generated/openapi.ts`,
  };
}

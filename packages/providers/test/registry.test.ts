import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { PROVIDER_NAMES, PROVIDERS, providerDescriptor } from "../src/index.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "../../..");

describe("the provider registry", () => {
  it("lists exactly the providers that have a spec and a package", () => {
    const specs = readdirSync(join(root, "specs"), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name)
      .sort();
    expect([...PROVIDER_NAMES].sort()).toEqual(specs);
    for (const provider of PROVIDERS) {
      const manifest = JSON.parse(readFileSync(join(root, "packages", provider.name, "package.json"), "utf8")) as {
        name: string;
      };
      expect(manifest.name).toBe(provider.packageName);
    }
  });

  it("gives each credential a distinct flag per provider and a distinct environment variable", () => {
    const envs = PROVIDERS.flatMap((provider) => [...provider.credentials.map((c) => c.env), provider.baseUrlEnv]);
    expect(new Set(envs).size).toBe(envs.length);
    for (const provider of PROVIDERS) {
      const flags = provider.credentials.map((c) => c.flag);
      expect(new Set(flags).size).toBe(flags.length);
    }
  });

  it("refuses an unknown name, listing the known ones", () => {
    expect(providerDescriptor("record360").title).toBe("Record360");
    expect(() => providerDescriptor("vimeo")).toThrow(
      /Unknown provider "vimeo". Choose one of: fanvue, ofauth, record360, flowkiwi/,
    );
  });
});

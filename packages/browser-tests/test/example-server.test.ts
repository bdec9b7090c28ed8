import { spawn } from "node:child_process";
import { once } from "node:events";
import { describe, expect, it } from "vitest";

const SERVE = new URL("../../../examples/browser-upload/serve.mjs", import.meta.url).pathname;

describe("pnpm example:browser", () => {
  it("starts a sandbox, builds and serves the page, and stops on SIGTERM", async () => {
    const child = spawn(process.execPath, [SERVE, "--port", "0"], { stdio: ["ignore", "pipe", "pipe"] });
    try {
      let output = "";
      child.stdout.on("data", (chunk) => (output += chunk));
      child.stderr.on("data", (chunk) => (output += chunk));
      const origin = await new Promise<string>((resolve, reject) => {
        child.stdout.on("data", () => {
          const found = /(http:\/\/127\.0\.0\.1:\d+)\//.exec(output)?.[1];
          if (found) resolve(found);
        });
        child.once("exit", (code) => reject(new Error(`serve.mjs exited (${code}): ${output}`)));
      });
      expect(await (await fetch(`${origin}/`)).text()).toContain("Upload from the browser");
      expect((await fetch(`${origin}/app.js`)).status).toBe(200);
      const config = (await (await fetch(`${origin}/config.json`)).json()) as Record<string, { baseUrl: string }>;
      expect(Object.keys(config).sort()).toEqual(["fanvue", "flowkiwi", "record360"]);
      expect(JSON.stringify(config)).not.toContain("apiKey");
      const exited = once(child, "exit");
      child.kill("SIGTERM");
      const [code] = await exited;
      expect(code).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
    }
  });
});

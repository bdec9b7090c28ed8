import { type ChildProcess, spawn } from "node:child_process";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export type ProviderSpec = "fanvue" | "ofauth" | "record360" | "flowkiwi";

/** The OpenAPI document codegen reads for a provider (specs/<provider>/openapi.yaml at the repo root). */
export function specPath(provider: ProviderSpec): string {
  return join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "specs", provider, "openapi.yaml");
}

export interface PrismServer {
  origin: string;
  /** Everything Prism printed (violations are logged there too). */
  output(): string;
  /** The errors and spec violations Prism logged (the harness's own readiness probe left out). */
  problems(): string[];
  stop(): Promise<void>;
}

const READINESS_PROBE = "/__uploadkit_readiness_probe";
const running = new Set<ChildProcess>();
const killAll = () => {
  for (const child of running) child.kill("SIGKILL");
};
process.once("exit", killAll);

/**
 * Starts `prism mock <spec>` (or `prism proxy <spec> <upstream>`) on 127.0.0.1 and a free port, with
 * `--errors` so any request (and, when proxying, response) that violates the spec is answered with an
 * error instead of passing. Resolves once Prism answers HTTP.
 */
export async function startPrism(options: {
  provider: ProviderSpec;
  upstream?: string;
  dynamic?: boolean;
}): Promise<PrismServer> {
  const port = await freePort();
  const bin = join(dirname(createRequire(import.meta.url).resolve("@stoplight/prism-cli/package.json")), "dist", "index.js");
  const args = options.upstream
    ? [bin, "proxy", specPath(options.provider), options.upstream]
    : [bin, "mock", specPath(options.provider), ...(options.dynamic ? ["--dynamic"] : [])];
  args.push("--port", String(port), "--host", "127.0.0.1", "--errors");
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
  running.add(child);
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 3000))]);
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    running.delete(child);
  };
  const origin = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`Prism exited (${child.exitCode}):\n${output}`);
    try {
      await fetch(`${origin}${READINESS_PROBE}`, { signal: AbortSignal.timeout(1000) });
      break;
    } catch {
      if (Date.now() > deadline) {
        await stop();
        throw new Error(`Prism did not answer within 60 s:\n${output}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  const problems = () =>
    output
      .split("\n")
      .filter((line) => /✖|violation/i.test(line) && !line.includes(READINESS_PROBE))
      .map((line) => line.trim());
  return { origin, output: () => output, problems, stop };
}

/** The `Prefer` header that makes a Prism mock answer a given status (and named example). */
export function prefer(code: number, example?: string): Record<string, string> {
  return { Prefer: example ? `code=${code}, example=${example}` : `code=${code}` };
}

/** The spec violations Prism reported on a response (`sl-violations` header); empty when there were none. */
export function violations(response: Response | { headers: Record<string, string | string[] | undefined> }): unknown[] {
  const value = response.headers instanceof Headers ? response.headers.get("sl-violations") : response.headers["sl-violations"];
  const text = Array.isArray(value) ? value[0] : value;
  return text ? (JSON.parse(text) as unknown[]) : [];
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

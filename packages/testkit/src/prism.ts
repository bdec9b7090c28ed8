import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { ProviderName } from "@uploadkit/providers";
import { stopOnExit } from "./child-processes.js";
import { exitError, onFreePort } from "./free-port.js";

/** A provider whose spec the harness can serve. */
export type ProviderSpec = ProviderName;

/**
 * The OpenAPI document codegen reads for a provider: specs/<provider>/openapi.yaml at the repo root, or under
 * `UPLOADKIT_SPECS_DIR` when set (a scratch copy of specs/, to contract-test a new upstream drop).
 */
export function specPath(provider: ProviderSpec): string {
  const specsDir = process.env.UPLOADKIT_SPECS_DIR || join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "specs");
  return join(specsDir, provider, "openapi.yaml");
}

export interface PrismServer {
  origin: string;
  /** Everything Prism printed (violations are logged there too). */
  output(): string;
  /** The errors and spec violations Prism logged. */
  problems(): string[];
  stop(): Promise<void>;
}

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
  assertPinned(options.provider);
  return onFreePort((port) => launch(options, port));
}

async function launch(
  options: { provider: ProviderSpec; upstream?: string; dynamic?: boolean },
  port: number,
): Promise<PrismServer> {
  const bin = join(dirname(createRequire(import.meta.url).resolve("@stoplight/prism-cli/package.json")), "dist", "index.js");
  const args = options.upstream
    ? [bin, "proxy", specPath(options.provider), options.upstream]
    : [bin, "mock", specPath(options.provider), ...(options.dynamic ? ["--dynamic"] : [])];
  args.push("--port", String(port), "--host", "127.0.0.1", "--errors");
  const child = stopOnExit(spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] }));
  let output = "";
  const origin = `http://127.0.0.1:${port}`;
  const ready = new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes(`listening on ${origin}`)) resolve();
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", (code) => reject(exitError(`Prism exited (${code}):\n${output}`, output)));
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 3000))]);
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  };
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      ready,
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`Prism did not start within 60 s:\n${output}`)), 60_000);
      }),
    ]);
  } catch (error) {
    await stop();
    throw error;
  } finally {
    clearTimeout(timer);
  }
  const problems = () =>
    output
      .split("\n")
      .filter((line) => /✖|violation/i.test(line))
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

/**
 * Refuses a spec that does not match its pin (specs/<provider>/pin.json, written by `pnpm specs:update` or
 * `pnpm specs:pin`): contract tests against an unpinned document would test something nobody recorded.
 */
function assertPinned(provider: ProviderSpec): void {
  const spec = specPath(provider);
  const pinFile = join(dirname(spec), "pin.json");
  if (!existsSync(pinFile)) return;
  const pinned = (JSON.parse(readFileSync(pinFile, "utf8")) as { files?: Record<string, string> }).files?.["openapi.yaml"];
  const actual = createHash("sha256").update(readFileSync(spec)).digest("hex");
  if (pinned !== actual) {
    throw new Error(
      `${spec} does not match its pin (${pinFile}: ${pinned?.slice(0, 12) ?? "none"}…, the file: ${actual.slice(0, 12)}…): contract tests run only on a pinned spec. Run \`pnpm specs:update\` for a new publication, or \`pnpm specs:pin ${provider} --source <where>\` after an edit by hand.`,
    );
  }
}

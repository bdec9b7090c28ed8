import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { UploadRouteError, uploadThroughServer } from "@uploadkit/multipart";
import { type Sandbox, startSandbox } from "@uploadkit/sandbox";
import { exitError, onFreePort, stopOnExit } from "@uploadkit/testkit";
import { build } from "esbuild";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { startWorkerd } from "../src/workerd.js";

// One upload route (frameworks/record360-route.mjs, from the packed packages) mounted by each framework with its own
// server: Next.js (App Router, `next build && next start`), Hono on Node, Express, Bun.serve, Deno.serve, workerd.

const MiB = 1024 * 1024;
const MP4_HEAD = Buffer.from("0000001c667479706d703432000000006d703432697336366d703431", "hex");
const FRAMEWORKS = [
  "next@16.5.0",
  "react@19.3.1",
  "react-dom@19.3.1",
  "hono@4.13.23",
  "@hono/node-server@2.1.11",
  "express@5.3.0",
];
const RUNTIMES = ["bun@1.4.5", "deno@2.9.6"];

let app: string;
let work: string;
let sandbox: Sandbox;
const children: ChildProcess[] = [];
const stops: (() => Promise<void>)[] = [];
const origins: Record<string, string> = {};

const npm = (args: string[], cwd: string) =>
  execFileSync("npm", args, {
    cwd,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, npm_config_update_notifier: "false", npm_config_fund: "false", npm_config_audit: "false" },
  });

/** Starts `command` in the app folder on a port of its own; resolves once it prints "listening" or answers. */
async function serve(name: string, command: string, args: string[], cwd = join(app, "frameworks")): Promise<void> {
  // A free port can be taken by another test process before the server binds it: then it exits, and we retry.
  await onFreePort((port) => serveOn(port, name, command, args, cwd));
}

async function serveOn(port: number, name: string, command: string, args: string[], cwd: string): Promise<void> {
  const config = {
    baseUrl: sandbox.record360.baseUrl,
    token: sandbox.record360.credentials.token,
    secret: "frameworks share this secret!",
  };
  const child = stopOnExit(
    spawn(command, args, {
      cwd,
      env: {
        ...process.env,
        PORT: String(port),
        ROUTE_CONFIG: JSON.stringify(config),
        NEXT_TELEMETRY_DISABLED: "1",
        ...nextEnv(),
      },
      stdio: ["ignore", "pipe", "pipe"],
    }),
  );
  children.push(child);
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const origin = `http://127.0.0.1:${port}`;
  for (let attempt = 0; ; attempt++) {
    if (child.exitCode !== null) throw exitError(`${name} exited with ${child.exitCode}: ${output}`, output);
    const answered = await fetch(`${origin}/api/uploads/nothing`, { method: "POST" }).then(
      (answer) => answer.status === 404,
      () => false,
    );
    if (answered) break;
    if (attempt > 600) throw new Error(`${name} did not answer on ${origin}: ${output}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  origins[name] = origin;
}

/** The README's Next.js example, as the app's route handler file (transpiled: the app has no TypeScript). */
function writeNextRoute(nextApp: string) {
  const readme = readFileSync(join(app, "node_modules", "@uploadkit", "record360", "README.md"), "utf8");
  const block = /```ts\n(\/\/ app\/api\/uploads\/\[\.\.\.step\]\/route\.ts\n[\s\S]*?)```/.exec(readme)?.[1];
  if (!block) throw new Error("@uploadkit/record360's README has no Next.js route example");
  const folder = join(nextApp, "app", "api", "uploads", "[...step]");
  mkdirSync(folder, { recursive: true });
  writeFileSync(
    join(folder, "route.js"),
    ts.transpileModule(block, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText,
  );
}

const nextEnv = () => ({
  RECORD360_TOKEN: sandbox.record360.credentials.token,
  RECORD360_BASE_URL: sandbox.record360.baseUrl,
  UPLOAD_ROUTE_SECRET: "frameworks share this secret!",
});

beforeAll(async () => {
  app = inject("packedApp");
  work = mkdtempSync(join(tmpdir(), "uploadkit-frameworks-"));
  npm(["install", "--no-save", "--no-package-lock", ...FRAMEWORKS, ...RUNTIMES], app);
  sandbox = await startSandbox({ providers: ["record360"] });
  const bin = (name: string) => join(app, "node_modules", ".bin", name);
  writeNextRoute(join(app, "frameworks", "next-app"));
  execFileSync(bin("next"), ["build"], {
    cwd: join(app, "frameworks", "next-app"),
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", ...nextEnv() },
  });
  await Promise.all([
    serve("next", bin("next"), ["start", "--hostname", "127.0.0.1"], join(app, "frameworks", "next-app")),
    serve("hono", process.execPath, ["hono-server.mjs"]),
    serve("express", process.execPath, ["express-server.mjs"]),
    serve("bun", bin("bun"), ["run", "bun-server.mjs"]),
    serve("deno", bin("deno"), ["run", "--allow-all", "--quiet", "deno-server.mjs"]),
  ]);
  const config = {
    baseUrl: sandbox.record360.baseUrl,
    token: sandbox.record360.credentials.token,
    secret: "frameworks share this secret!",
  };
  await build({
    entryPoints: [join(app, "frameworks", "workerd-worker.mjs")],
    bundle: true,
    format: "esm",
    platform: "browser",
    // What wrangler asks of esbuild for a Cloudflare Worker.
    conditions: ["workerd", "worker", "browser"],
    define: { __ROUTE_CONFIG__: JSON.stringify(config) },
    outfile: join(work, "worker.js"),
    logLevel: "silent",
  });
  const workerd = await startWorkerd(work, "worker.js");
  stops.push(workerd.stop);
  origins.workerd = workerd.origin;
}, 900_000);

afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill("SIGTERM");
  await Promise.all(
    children.map((child) => (child.exitCode === null ? new Promise((resolve) => child.once("exit", resolve)) : undefined)),
  );
  for (const stop of stops) await stop();
  await sandbox?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe("one upload route, mounted by each framework with its own server", () => {
  it.each(["next", "hono", "express", "bun", "deno", "workerd"])(
    "%s: uploads in parts (SHA-256 at the store), the hook's serverData comes back",
    async (framework) => {
      const bytes = Buffer.concat([MP4_HEAD, randomBytes(11 * MiB)]);
      const result = await uploadThroughServer<{ framework: string; filesize: number }>(new Blob([bytes]), {
        endpoint: `${origins[framework]}/api/uploads`,
        filename: "clip.mp4",
      });
      expect(result).toMatchObject({ provider: "record360", size: bytes.length });
      // Next.js serves the README's example, whose hook answers the file id; the others name themselves.
      expect(result.serverData).toEqual(
        framework === "next" ? { fileId: result.id } : { framework, id: result.id, filesize: bytes.length },
      );
      expect(await sandbox.objectSha256(sandbox.record360.keyOf(result.id) as string)).toBe(
        createHash("sha256").update(bytes).digest("hex"),
      );
      // A file Record360 does not take: the route refuses it, typed, before any provider call.
      const refused = await uploadThroughServer(new Blob(["plain text, which Record360 does not take"]), {
        endpoint: `${origins[framework]}/api/uploads`,
        filename: "notes.txt",
      }).catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(UploadRouteError);
    },
  );

  it("a session started on Next.js is finished on Hono, Express, Bun, Deno and workerd in turn", async () => {
    const bytes = Buffer.concat([MP4_HEAD, randomBytes(26 * MiB)]);
    const order = ["next", "hono", "express", "bun", "deno", "workerd"];
    let next = 0;
    const rotating = (async (input: string | URL | Request, init?: RequestInit) => {
      const request = new Request(input, init);
      const url = new URL(request.url);
      if (url.hostname !== "route.example") return fetch(request);
      const origin = origins[order[next++ % order.length] as string] as string;
      const forwarded = { method: request.method, headers: request.headers, body: request.body, duplex: "half" };
      return fetch(new Request(`${origin}${url.pathname}`, forwarded as RequestInit));
    }) as typeof fetch;
    const result = await uploadThroughServer(new Blob([bytes]), {
      endpoint: "http://route.example/api/uploads",
      filename: "clip.mp4",
      fetch: rotating,
    });
    expect(await sandbox.objectSha256(sandbox.record360.keyOf(result.id) as string)).toBe(
      createHash("sha256").update(bytes).digest("hex"),
    );
    expect(next).toBeGreaterThanOrEqual(order.length);
  });
});

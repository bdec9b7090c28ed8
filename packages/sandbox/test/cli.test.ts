import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { sandboxOptionsFromArgs } from "../src/run-sandbox.js";

const CLI = fileURLToPath(new URL("../dist/cli.js", import.meta.url));

describe("uploadkit-sandbox (pnpm sandbox)", () => {
  it("parses flags", () => {
    expect(
      sandboxOptionsFromArgs(["--providers", "fanvue,record360", "--port-fanvue", "0", "--chaos", "0.2", "--seed", "9"]),
    ).toMatchObject({
      providers: ["fanvue", "record360"],
      ports: { fanvue: 0, ofauth: 4011 },
      chaos: { rate: 0.2, seed: 9 },
    });
    expect(sandboxOptionsFromArgs(["--help"])).toBe("help");
    expect(() => sandboxOptionsFromArgs(["--providers", "myspace"])).toThrow(/Unknown provider myspace/);
    expect(() => sandboxOptionsFromArgs(["--chaos", "2"])).toThrow(/--chaos must be a number from 0 to 1/);
    // Each number flag names itself and what it takes, instead of Node's listen() error or a NaN taken silently.
    for (const [flag, value, named] of [
      ["--port-fanvue", "abc", /^--port-fanvue takes a port: a whole number from 0 to 65535, got "abc"$/],
      ["--port-s3", "65536", /^--port-s3 takes a port/],
      ["--port-store", "80.5", /^--port-store takes a port/],
      ["--seed", "x", /^--seed takes a seed/],
      ["--latency", "5ms", /^--latency takes milliseconds/],
      ["--rate-limit", "0", /^--rate-limit takes calls per second: a whole number from 1/],
    ] as const) {
      expect(() => sandboxOptionsFromArgs([flag, value]), `${flag} ${value}`).toThrow(named);
    }
    expect(sandboxOptionsFromArgs(["--latency", "25", "--rate-limit", "80"])).toMatchObject({
      latencyMs: 25,
      rateLimit: { callsPerSecond: 80 },
    });
  });

  it("parses --store: ceph (alias rgw), embedded (alias s3rver), env", () => {
    expect(sandboxOptionsFromArgs(["--store", "ceph"])).toMatchObject({ s3: "ceph" });
    expect(sandboxOptionsFromArgs(["--store", "rgw"])).toMatchObject({ s3: "ceph" });
    expect(sandboxOptionsFromArgs(["--store", "s3rver"])).toMatchObject({ s3: "embedded" });
    expect(sandboxOptionsFromArgs([])).toMatchObject({ s3: undefined });
    expect(() => sandboxOptionsFromArgs(["--store", "toString"])).toThrow(
      /--store must be one of embedded, s3rver, ceph, rgw, env/,
    );
    const saved = process.env.UPLOADKIT_S3_ENDPOINT;
    delete process.env.UPLOADKIT_S3_ENDPOINT;
    try {
      expect(() => sandboxOptionsFromArgs(["--store", "env"])).toThrow(/--store env needs UPLOADKIT_S3_ENDPOINT/);
    } finally {
      if (saved !== undefined) process.env.UPLOADKIT_S3_ENDPOINT = saved;
    }
  });

  it("starts, prints each provider's base URL and credentials, serves, and stops on Ctrl-C", async () => {
    const ports = ["fanvue", "ofauth", "record360", "flowkiwi", "store", "s3"].flatMap((name) => [`--port-${name}`, "0"]);
    const child = spawn(process.execPath, [CLI, ...ports], { stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
    while (!output.includes("Ctrl-C to stop")) {
      if (child.exitCode !== null) throw new Error(`sandbox exited: ${output}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const fanvue = /fanvue\s+(http:\/\/127\.0\.0\.1:\d+)\s+FANVUE_TOKEN=(\S+)/.exec(output);
    expect(fanvue).not.toBeNull();
    expect(output).toMatch(/record360\s+http:\/\/127\.0\.0\.1:\d+\s+RECORD360_TOKEN=/);
    const response = await fetch(`${fanvue?.[1]}/media/00000000-0000-4000-8000-000000000000`, {
      headers: { authorization: `Bearer ${fanvue?.[2]}`, "x-fanvue-api-version": "2025-06-26" },
    });
    expect(response.status).toBe(404);
    child.kill("SIGINT");
    expect(await exited).toBe(0);
    expect(output).toContain("sandbox stopped, temporary data removed");
  });
});

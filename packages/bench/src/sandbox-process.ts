// A sandbox in a child process of its own, as a real API runs apart from its client: its injected latency is not
// delayed by the client's work on the same event loop. The child (this file run as a script) starts the sandbox,
// sends its providers' base URLs and credentials, answers "requests" with its request log, and stops on "stop" or
// when the parent goes away.
import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import { PROVIDER_NAMES, type ProviderName } from "@uploadkit/providers";
import type { LoggedRequest, Sandbox, SandboxOptions } from "@uploadkit/sandbox";

/** The providers' base URLs and credentials, as a sandbox in this process would give them. */
export type SandboxEndpoints = { [Name in ProviderName]: Pick<Sandbox[Name], "baseUrl" | "credentials"> };

/** A sandbox running in a child process. */
export interface SandboxProcess extends SandboxEndpoints {
  /** Every request its servers received so far. */
  requests(): Promise<LoggedRequest[]>;
  /** Stops the sandbox and its process. */
  stop(): Promise<void>;
}

type Message = { endpoints: SandboxEndpoints } | { requests: LoggedRequest[] } | { error: string };

/** Starts a sandbox with `options` (plain data: they cross to the child as JSON) in a child process. */
export async function startSandboxProcess(options: SandboxOptions): Promise<SandboxProcess> {
  const child = fork(fileURLToPath(import.meta.url), ["--child", JSON.stringify(options)], { stdio: "inherit" });
  const next = () =>
    new Promise<Message>((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`the sandbox process exited (${code})`));
      child.once("exit", onExit);
      child.once("message", (message: Message) => {
        child.off("exit", onExit);
        resolve(message);
      });
    });
  const first = await next();
  if (!("endpoints" in first)) {
    child.kill();
    throw new Error(`the sandbox process failed: ${"error" in first ? first.error : "no endpoints"}`);
  }
  const running: SandboxProcess = {
    ...first.endpoints,
    async requests() {
      const answer = next();
      child.send("requests");
      const message = await answer;
      return "requests" in message ? message.requests : [];
    },
    async stop() {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.send("stop");
      await exited;
    },
  };
  return running;
}

if (process.argv[2] === "--child" && process.send) {
  const send = (message: Message) => process.send?.(message);
  const { startSandbox } = await import("@uploadkit/sandbox");
  try {
    const sandbox = await startSandbox(JSON.parse(process.argv[3] as string) as SandboxOptions);
    const stop = async () => {
      await sandbox.stop();
      process.exit(0);
    };
    const endpoints = Object.fromEntries(
      PROVIDER_NAMES.map((name) => [name, { baseUrl: sandbox[name].baseUrl, credentials: sandbox[name].credentials }]),
    ) as unknown as SandboxEndpoints;
    process.on("message", (message) => {
      if (message === "requests") send({ requests: sandbox.requests });
      if (message === "stop") void stop();
    });
    process.on("disconnect", () => void stop());
    send({ endpoints });
  } catch (error) {
    send({ error: (error as Error).message });
    process.exit(1);
  }
}

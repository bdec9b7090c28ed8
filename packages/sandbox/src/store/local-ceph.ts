import { type ChildProcess, execFile, spawn } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { delimiter, join } from "node:path";
import { promisify } from "node:util";
import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import { onScratchCleanup, removeScratch, scratchDir } from "../scratch.js";
import type { S3Config } from "./store-config.js";

const run = promisify(execFile);

/** The Debian packages that provide a local Ceph with its S3 gateway. */
export const CEPH_PACKAGES = ["ceph-mon", "ceph-osd", "radosgw"] as const;
const CEPH_COMMANDS = ["ceph-mon", "ceph-osd", "radosgw", "radosgw-admin", "monmaptool", "ceph"] as const;

/** Options of `startLocalCeph`. */
export interface LocalCephOptions {
  /** The bucket to create. Default `uploadkit-sandbox`. */
  bucket?: string;
  /** Capacity of the in-memory object store (the OSD keeps objects in RAM). Default 8 GiB; memory is used as filled. */
  memoryBytes?: number;
  /** Port of the S3 gateway (radosgw). Default (or 0): a free port. */
  port?: number;
  /** Milliseconds to wait for the cluster to answer S3. Default 120 000. */
  startTimeoutMs?: number;
}

/** A single-node Ceph (one monitor, one in-memory OSD, radosgw) started by this process. */
export interface LocalCeph {
  /** How to reach its S3 gateway, with the credentials of the user created for it. */
  config: S3Config;
  /** Process ids of the daemons (monitor, OSD, radosgw). */
  pids: number[];
  /** Frees the space of deleted objects and aborted uploads now, rather than on radosgw's garbage-collection timer. */
  collectGarbage(): Promise<void>;
  /** Stops the daemons and removes the cluster's data folder. */
  stop(): Promise<void>;
}

/** Error thrown when Ceph's commands are not installed; its message gives the install command. */
export class CephNotInstalledError extends Error {
  constructor(
    /** The commands that were not found on PATH. */
    readonly missing: string[],
  ) {
    super(
      `A local Ceph needs ${missing.join(", ")}, which is not installed. Install it with ` +
        `\`apt-get install --no-install-recommends ${CEPH_PACKAGES.join(" ")}\` (Debian/Ubuntu), ` +
        "or point UPLOADKIT_S3_ENDPOINT at an S3 engine you run.",
    );
    this.name = "CephNotInstalledError";
  }
}

/** The Ceph commands this machine lacks (empty when a local Ceph can start). */
export function missingCephCommands(path = process.env.PATH ?? ""): string[] {
  const dirs = path.split(delimiter).filter(Boolean);
  return CEPH_COMMANDS.filter((command) => !dirs.some((dir) => existsSync(join(dir, command))));
}

/**
 * Starts a one-machine Ceph on 127.0.0.1 as plain processes — a monitor, one OSD keeping objects in memory and
 * the radosgw S3 gateway — in a temporary folder, creates an S3 user and a bucket, and returns how to reach it.
 * A real S3 engine: it checks signatures, expiry, part sizes and ETags. Takes a few seconds. `stop()` — or this
 * process's exit, or SIGINT/SIGTERM/SIGHUP — ends the daemons and removes the folder.
 */
export async function startLocalCeph(options: LocalCephOptions = {}): Promise<LocalCeph> {
  const missing = missingCephCommands();
  if (missing.length > 0) throw new CephNotInstalledError(missing);
  const dir = scratchDir("ceph", { onSignal: true });
  const daemons: ChildProcess[] = [];
  const killAll = () => {
    for (const daemon of daemons) if (daemon.exitCode === null) daemon.kill("SIGKILL");
  };
  const unregister = onScratchCleanup(killAll);
  const stop = async () => {
    unregister();
    // The cluster's data is thrown away with its folder, so there is nothing for a graceful shutdown to save.
    await Promise.all(daemons.map(killed));
    removeScratch(dir);
  };
  try {
    const [monPort, rgwPort] = [await freePort(), options.port || (await freePort())];
    const conf = join(dir, "ceph.conf");
    for (const data of ["mon", "osd", "rgw"]) mkdirSync(join(dir, data));
    const fsid = randomUUID();
    writeFileSync(conf, cephConf({ dir, fsid, monPort, rgwPort, memoryBytes: options.memoryBytes ?? 8 * 1024 ** 3 }));
    const deadline = Date.now() + (options.startTimeoutMs ?? 120_000);
    const ceph = (command: string, args: string[]) =>
      run(command, ["-c", conf, ...args], { timeout: Math.max(1000, deadline - Date.now()) }).catch((error) => {
        throw startFailure(dir, `${command} ${args[0]}`, error);
      });
    const daemon = (command: string, args: string[]) => {
      const child = spawn(command, ["-c", conf, "-f", ...args], { stdio: "ignore" });
      child.on("error", () => {});
      daemons.push(child);
    };

    await run("monmaptool", ["--create", "--add", "a", `v2:127.0.0.1:${monPort}`, "--fsid", fsid, join(dir, "monmap")]);
    await ceph("ceph-mon", ["--mkfs", "-i", "a", "--monmap", join(dir, "monmap")]);
    daemon("ceph-mon", ["-i", "a"]);
    const osdUuid = randomUUID();
    await ceph("ceph", ["--connect-timeout", "60", "osd", "new", osdUuid]);
    await ceph("ceph-osd", ["-i", "0", "--mkfs", "--osd-uuid", osdUuid]);
    daemon("ceph-osd", ["-i", "0"]);
    daemon("radosgw", ["-n", "client.rgw"]);

    const endpoint = `http://127.0.0.1:${rgwPort}`;
    await waitForS3(endpoint, deadline, daemons, dir);
    const accessKeyId = `UK${randomBytes(9).toString("hex").toUpperCase()}`;
    const secretAccessKey = randomBytes(24).toString("base64url");
    await ceph("radosgw-admin", [
      "user",
      "create",
      "--uid=uploadkit",
      "--display-name=uploadkit",
      `--access-key=${accessKeyId}`,
      `--secret-key=${secretAccessKey}`,
    ]);
    const config: S3Config = {
      endpoint,
      bucket: options.bucket ?? "uploadkit-sandbox",
      region: "us-east-1",
      accessKeyId,
      secretAccessKey,
      forcePathStyle: true,
    };
    await createBucket(config);
    const collectGarbage = async () => {
      await run("radosgw-admin", ["-c", conf, "gc", "process", "--include-all"], { timeout: 120_000 });
    };
    return { config, pids: daemons.map((d) => d.pid ?? 0), collectGarbage, stop };
  } catch (error) {
    killAll();
    await stop();
    throw error;
  }
}

/**
 * One monitor and one OSD on loopback, no authentication between daemons (nothing else can reach them), pools of
 * one replica, and the settings radosgw 16.2 needs to connect to the monitor and start in seconds.
 */
function cephConf(o: { dir: string; fsid: string; monPort: number; rgwPort: number; memoryBytes: number }): string {
  return `[global]
fsid = ${o.fsid}
mon host = v2:127.0.0.1:${o.monPort}
public addr = 127.0.0.1
cluster addr = 127.0.0.1
auth cluster required = none
auth service required = none
auth client required = none
ms mon client mode = crc secure
ms client mode = crc secure
run dir = ${o.dir}
admin socket = ${o.dir}/$name.asok
log file = ${o.dir}/$name.log
mon allow pool size one = true
mon warn on pool no redundancy = false
mon warn on insecure global id reclaim allowed = false
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
osd crush chooseleaf type = 0
paxos propose interval = 0.05
[mon]
mon data = ${o.dir}/mon
[osd]
osd data = ${o.dir}/osd
osd objectstore = memstore
memstore device bytes = ${o.memoryBytes}
osd max object name len = 256
osd max object namespace len = 64
[client.rgw]
rgw data = ${o.dir}/rgw
rgw frontends = beast endpoint=127.0.0.1:${o.rgwPort}
rgw gc obj min wait = 10
rgw gc processor period = 10
`;
}

async function waitForS3(endpoint: string, deadline: number, daemons: ChildProcess[], dir: string): Promise<void> {
  for (;;) {
    const dead = daemons.find((d) => d.exitCode !== null);
    if (dead) throw startFailure(dir, `${dead.spawnfile} exited with ${dead.exitCode}`);
    try {
      const response = await fetch(endpoint, { signal: AbortSignal.timeout(2000) });
      await response.arrayBuffer();
      if (response.status < 500) return;
    } catch {}
    if (Date.now() > deadline) throw startFailure(dir, `radosgw did not answer at ${endpoint}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function createBucket(config: S3Config): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  const client = new S3Client({
    endpoint: config.endpoint,
    region: config.region,
    forcePathStyle: true,
    credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey },
  });
  try {
    await client.send(new CreateBucketCommand({ Bucket: config.bucket }));
  } finally {
    client.destroy();
  }
}

/** A start failure, with the last lines of the daemons' logs (the only place Ceph says why). */
function startFailure(dir: string, what: string, cause?: unknown): Error {
  const tails = ["mon.a", "osd.0", "client.rgw"]
    .map((name) => join(dir, `${name}.log`))
    .filter(existsSync)
    .map(
      (file) =>
        `--- ${file}\n${readFileSync(file, "utf8")
          .split("\n")
          .filter((line) => /^\d{4}-/.test(line))
          .slice(-12)
          .join("\n")}`,
    );
  const detail = cause instanceof Error ? `: ${cause.message.split("\n")[0]}` : "";
  return new Error(`The local Ceph did not start (${what}${detail}).\n${tails.join("\n")}`, { cause });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function killed(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGKILL");
  });
}

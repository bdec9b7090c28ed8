import { parseArgs } from "node:util";
import { PROVIDER_NAMES, type ProviderName, type SandboxOptions, startSandbox } from "./start-sandbox.js";
import { s3ConfigFromEnv } from "./store/store-config.js";

const DEFAULT_PORTS = { fanvue: 4010, ofauth: 4011, record360: 4012, flowkiwi: 4013, store: 4014, s3: 4015 };
const USAGE = `uploadkit-sandbox — local fakes of the Fanvue, OFAuth, Record360 and Flowkiwi upload APIs

Usage: uploadkit-sandbox [options]

Options:
  --providers <list>   comma-separated subset of ${PROVIDER_NAMES.join(",")} (default: all)
  --port-<name> <n>    port for fanvue, ofauth, record360, flowkiwi, store (gateway) or s3 (embedded store)
                       (defaults: ${Object.entries(DEFAULT_PORTS)
                         .map(([k, v]) => `${k} ${v}`)
                         .join(", ")}; 0 = any free port)
  --chaos <rate>       fail this share (0-1) of part uploads and API calls
  --seed <n>           chaos seed (default 1)
  --latency <ms>       delay every API answer by this many ms (part and file bodies excepted)
  --rate-limit <n>     each API accepts n calls per second and refuses the rest with 429 + Retry-After: 1
  --store <kind>       where bytes go: embedded (s3rver, default), ceph (a local single-node Ceph + radosgw;
                       alias rgw; needs apt-get install ceph-mon ceph-osd radosgw), env (UPLOADKIT_S3_*)
  -h, --help           show this help

Without --store, the store is the endpoint in UPLOADKIT_S3_ENDPOINT (with UPLOADKIT_S3_BUCKET, _REGION,
_ACCESS_KEY_ID, _SECRET_ACCESS_KEY) when set, else an embedded s3rver in a temporary folder.
Ctrl-C stops everything and removes temporary data.`;

const STORES = { embedded: "embedded", s3rver: "embedded", ceph: "ceph", rgw: "ceph" } as const;

/** Parses `uploadkit-sandbox` flags into startSandbox options. */
export function sandboxOptionsFromArgs(args: string[]): SandboxOptions | "help" {
  const portOptions = Object.fromEntries(Object.keys(DEFAULT_PORTS).map((name) => [`port-${name}`, { type: "string" as const }]));
  const { values } = parseArgs({
    args,
    options: {
      providers: { type: "string" },
      chaos: { type: "string" },
      seed: { type: "string" },
      latency: { type: "string" },
      "rate-limit": { type: "string" },
      store: { type: "string" },
      help: { type: "boolean", short: "h" },
      ...portOptions,
    },
    strict: true,
  });
  if (values.help) return "help";
  const providers = values.providers ? (values.providers.split(",").map((p) => p.trim()) as ProviderName[]) : undefined;
  const unknown = providers?.filter((p) => !PROVIDER_NAMES.includes(p));
  if (unknown?.length) throw new Error(`Unknown provider ${unknown.join(", ")}; choose from ${PROVIDER_NAMES.join(", ")}`);
  const ports = Object.fromEntries(
    Object.entries(DEFAULT_PORTS).map(([name, port]) => {
      const given = (values as Record<string, string | undefined>)[`port-${name}`];
      return [name, given === undefined ? port : wholeNumber(`--port-${name}`, given, 0, 65_535, "a port")];
    }),
  );
  const rate = values.chaos === undefined ? undefined : Number(values.chaos);
  if (rate !== undefined && !(rate >= 0 && rate <= 1)) throw new Error("--chaos must be a number from 0 to 1");
  const latencyMs =
    values.latency === undefined ? undefined : wholeNumber("--latency", values.latency, 0, 3_600_000, "milliseconds");
  const callsPerSecond =
    values["rate-limit"] === undefined
      ? undefined
      : wholeNumber("--rate-limit", values["rate-limit"], 1, 1_000_000, "calls per second");
  const seed = values.seed === undefined ? 1 : wholeNumber("--seed", values.seed, 0, 2 ** 32 - 1, "a seed");
  let s3: SandboxOptions["s3"];
  if (values.store === "env") {
    s3 = s3ConfigFromEnv();
    if (!s3) throw new Error("--store env needs UPLOADKIT_S3_ENDPOINT (and _BUCKET, _ACCESS_KEY_ID, _SECRET_ACCESS_KEY)");
  } else if (values.store !== undefined) {
    s3 = Object.hasOwn(STORES, values.store) ? STORES[values.store as keyof typeof STORES] : undefined;
    if (!s3) throw new Error(`--store must be one of ${Object.keys(STORES).join(", ")}, env`);
  }
  return {
    providers,
    ports,
    s3,
    latencyMs,
    ...(callsPerSecond === undefined ? {} : { rateLimit: { callsPerSecond } }),
    chaos: rate ? { rate, seed } : undefined,
  };
}

/** A flag's whole number from `least` to `most`, or an error naming the flag and what it takes. */
function wholeNumber(flag: string, text: string, least: number, most: number, what: string): number {
  const value = /^\d+$/.test(text.trim()) ? Number(text) : Number.NaN;
  if (!(Number.isSafeInteger(value) && value >= least && value <= most)) {
    throw new Error(`${flag} takes ${what}: a whole number from ${least} to ${most}, got "${text}"`);
  }
  return value;
}

/** Runs the sandbox in the foreground until SIGINT/SIGTERM, printing base URLs and test credentials. */
export async function runSandbox(args: string[]): Promise<void> {
  let options: SandboxOptions | "help";
  try {
    options = sandboxOptionsFromArgs(args);
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
  if (options === "help") {
    console.log(USAGE);
    return;
  }
  if (options.s3 === "ceph") console.log("starting a local Ceph (monitor, OSD, radosgw)…");
  let sandbox: Awaited<ReturnType<typeof startSandbox>>;
  try {
    sandbox = await startSandbox(options);
  } catch (error) {
    console.error((error as Error).message);
    process.exit(1);
  }
  const lines = [
    [
      sandbox.fanvue,
      `fanvue     ${sandbox.fanvue.baseUrl}  FANVUE_TOKEN=${sandbox.fanvue.credentials.token}  (creator ${sandbox.fanvue.credentials.creatorUserUuid})`,
    ],
    [
      sandbox.ofauth,
      `ofauth     ${sandbox.ofauth.baseUrl}  OFAUTH_API_KEY=${sandbox.ofauth.credentials.apiKey} OFAUTH_CONNECTION_ID=${sandbox.ofauth.credentials.connectionId}`,
    ],
    [sandbox.record360, `record360  ${sandbox.record360.baseUrl}  RECORD360_TOKEN=${sandbox.record360.credentials.token}`],
    [
      sandbox.flowkiwi,
      `flowkiwi   ${sandbox.flowkiwi.baseUrl}  FLOWKIWI_TOKEN=${sandbox.flowkiwi.credentials.token} FLOWKIWI_ORGANIZATION_ID=${sandbox.flowkiwi.credentials.organizationId}`,
    ],
  ]
    .filter(([provider]) => (provider as { baseUrl: string }).baseUrl)
    .map(([, line]) => line as string);
  console.log(`uploadkit sandbox is running (test credentials only):\n${lines.map((l) => `  ${l}`).join("\n")}`);
  console.log(
    `  store      ${sandbox.store.endpoint} bucket ${sandbox.store.bucket} (part URLs via ${sandbox.store.gatewayOrigin})`,
  );
  console.log("Ctrl-C to stop.");
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await sandbox.stop();
    console.log("sandbox stopped, temporary data removed");
    process.exit(0);
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

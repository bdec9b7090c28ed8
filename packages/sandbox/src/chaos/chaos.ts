import type { IncomingMessage, ServerResponse } from "node:http";

/**
 * A fault the sandbox can inject: a connection reset, a 500/503/429, a stall, an expired presigned URL, or (parts
 * only, and only when asked for in `kinds`) a 200 whose ETag is not the MD5 of the bytes sent.
 */
export type FaultKind = "reset" | "500" | "503" | "429" | "stall" | "expired" | "bad-etag";

/** How the sandbox misbehaves on purpose. */
export interface ChaosOptions {
  /** Share of requests that fail, 0 to 1. */
  rate: number;
  /**
   * Which faults to draw from (default all but `bad-etag`). Calls that are not safe to retry (POST/PATCH) only get
   * 429 and 503; `bad-etag` and `expired` go to parts only.
   */
  kinds?: FaultKind[];
  /** Seed for reproducible runs. Default 1. */
  seed?: number;
  /** Retry-After sent with 429. Default 1 s. */
  retryAfterSeconds?: number;
  /** Which traffic to disturb. Default both. */
  scope?: "parts" | "api" | "both";
}

/** Faults injected so far, by kind. */
export type ChaosCounts = Record<FaultKind, number>;

const ALL: FaultKind[] = ["reset", "500", "503", "429", "stall", "expired"];
const NOT_PROCESSED: FaultKind[] = ["429", "503"];

/** Seeded fault injection for the sandbox's API servers and store gateway. */
export class Chaos {
  readonly injected: ChaosCounts = { reset: 0, "500": 0, "503": 0, "429": 0, stall: 0, expired: 0, "bad-etag": 0 };
  private state: number;
  private readonly held = new Set<ServerResponse>();

  constructor(private readonly options: ChaosOptions | undefined) {
    this.state = (options?.seed ?? 1) >>> 0;
  }

  get total(): number {
    return Object.values(this.injected).reduce((a, b) => a + b, 0);
  }

  /** Injects a fault into this request, or returns false to let it through. */
  maybeFault(req: IncomingMessage, res: ServerResponse, traffic: "parts" | "api"): boolean {
    const options = this.options;
    if (!options || options.rate <= 0) return false;
    const scope = options.scope ?? "both";
    if (scope !== "both" && scope !== traffic) return false;
    if (this.random() >= options.rate) return false;
    const safe = traffic === "parts" || req.method === "GET" || req.method === "PUT" || req.method === "DELETE";
    const kinds = (options.kinds ?? ALL).filter((kind) =>
      safe ? (kind !== "expired" && kind !== "bad-etag") || traffic === "parts" : NOT_PROCESSED.includes(kind),
    );
    if (kinds.length === 0) return false;
    const kind = kinds[Math.floor(this.random() * kinds.length)] as FaultKind;
    this.injected[kind]++;
    this.apply(kind, req, res);
    return true;
  }

  /** Ends responses held by "stall" faults (on stop). */
  release(): void {
    for (const res of this.held) res.destroy();
    this.held.clear();
  }

  private apply(kind: FaultKind, req: IncomingMessage, res: ServerResponse): void {
    const json = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      req.resume();
      req.on("end", () => res.writeHead(status, { "content-type": "application/json", ...headers }).end(JSON.stringify(body)));
    };
    switch (kind) {
      case "reset":
        req.once("data", () => req.socket.destroy());
        req.once("end", () => req.socket.destroy());
        return;
      case "stall":
        this.held.add(res);
        res.on("close", () => this.held.delete(res));
        return;
      case "expired":
        req.resume();
        req.on("end", () =>
          res
            .writeHead(403, { "content-type": "application/xml" })
            .end("<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>"),
        );
        return;
      case "bad-etag":
        // Accepted, not stored, and answered with an ETag no bytes have: the client's MD5 check must catch it.
        req.resume();
        req.on("end", () => res.writeHead(200, { etag: '"00000000000000000000000000000000"', "content-length": "0" }).end());
        return;
      case "429":
      case "503":
        // Like real throttling and maintenance answers, both say when to come back.
        json(
          Number(kind),
          { message: `Injected ${kind} (sandbox chaos)` },
          { "retry-after": String(this.options?.retryAfterSeconds ?? 1) },
        );
        return;
      default:
        json(Number(kind), { message: `Injected ${kind} (sandbox chaos)` });
    }
  }

  /** mulberry32 */
  private random(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
}

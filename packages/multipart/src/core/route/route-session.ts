import { hex } from "../http/hex.js";
import type { Part } from "../plan-parts.js";
import type { RouteFile } from "./protocol.js";
import { RouteRefusal } from "./route-answers.js";
import { type RouteSecret, SessionSealer } from "./session-token.js";

/** Everything the route needs between the steps of one upload: it rides, sealed, in the session token. */
export interface RouteSession<Options, Session> {
  /** The session's id (random): the key of what the store keeps of it. */
  id: string;
  /** When the token stops being accepted (ms since the epoch). */
  expiresAt: number;
  file: RouteFile;
  options: Options;
  session: Session;
  parts: Part[];
  mode: "direct" | "relay";
  single: boolean;
}

interface SealedSession {
  v: 1;
  id: string;
  exp: number;
  file: RouteFile;
  options: unknown;
  session: unknown;
  /** The plan as runs of equal sizes: `[size, count]…` from byte 0 (a plan of 10,000 parts is a few bytes). */
  runs: [number, number][];
  mode: "direct" | "relay";
  single: boolean;
}

interface SealedReceipt {
  v: 1;
  id: string;
  n: number;
  etag: string;
}

/** Seals sessions into tokens and relayed parts into receipts, and opens them: no instance keeps either. */
export class RouteTokens {
  private readonly sessions: SessionSealer;
  private readonly receipts: SessionSealer;

  constructor(secret: RouteSecret | readonly RouteSecret[] | undefined) {
    this.sessions = new SessionSealer(secret, "session");
    this.receipts = new SessionSealer(secret, "receipt");
  }

  async issue<Options, Session>(session: RouteSession<Options, Session>): Promise<string> {
    const sealed: SealedSession = {
      v: 1,
      id: session.id,
      exp: session.expiresAt,
      file: session.file,
      options: session.options,
      session: session.session,
      runs: runsOf(session.parts),
      mode: session.mode,
      single: session.single,
    };
    return this.sessions.seal(sealed);
  }

  /** The session a token carries; refused when no secret of the route sealed it (403) or it expired (404). */
  async open<Options, Session>(token: unknown): Promise<RouteSession<Options, Session>> {
    const sealed = (await this.sessions.open(token)) as SealedSession | undefined;
    if (sealed?.v !== 1 || typeof sealed.id !== "string" || !Array.isArray(sealed.runs)) {
      throw new RouteRefusal(403, "ROUTE_SESSION_INVALID", "The session token is not one this route sealed.");
    }
    if (!(sealed.exp > Date.now())) {
      throw new RouteRefusal(404, "ROUTE_SESSION_GONE", "The upload session expired: start the upload again.");
    }
    return {
      id: sealed.id,
      expiresAt: sealed.exp,
      file: sealed.file,
      options: sealed.options as Options,
      session: sealed.session as Session,
      parts: partsOf(sealed.runs),
      mode: sealed.mode,
      single: sealed.single,
    };
  }

  /** A receipt for part `partNumber` of session `id`, relayed whole with `etag`. */
  receipt(id: string, partNumber: number, etag: string): Promise<string> {
    const sealed: SealedReceipt = { v: 1, id, n: partNumber, etag };
    return this.receipts.seal(sealed);
  }

  /** The store's ETag a receipt vouches for, if it is this session's receipt for this part. */
  async etagOf(receipt: unknown, id: string, partNumber: number): Promise<string | undefined> {
    const sealed = (await this.receipts.open(receipt)) as SealedReceipt | undefined;
    return sealed?.v === 1 && sealed.id === id && sealed.n === partNumber && typeof sealed.etag === "string"
      ? sealed.etag
      : undefined;
  }
}

/** A new session id: 128 random bits. */
export function newSessionId(): string {
  return hex(crypto.getRandomValues(new Uint8Array(16)));
}

function runsOf(parts: readonly Part[]): [number, number][] {
  const runs: [number, number][] = [];
  let expected = 0;
  for (const [index, part] of parts.entries()) {
    if (part.partNumber !== index + 1 || part.start !== expected)
      throw new TypeError("a route plan must be contiguous from byte 0");
    expected = part.end;
    const last = runs.at(-1);
    if (last && last[0] === part.size) last[1]++;
    else runs.push([part.size, 1]);
  }
  return runs;
}

function partsOf(runs: [number, number][]): Part[] {
  const parts: Part[] = [];
  let start = 0;
  for (const [size, count] of runs) {
    for (let index = 0; index < count; index++) {
      parts.push({ partNumber: parts.length + 1, start, end: start + size, size });
      start += size;
    }
  }
  return parts;
}

import type { UploadAdapter } from "../engine/upload-adapter.js";
import type { CommonUploadOptions } from "../engine/upload-options.js";
import { InputError, UploadkitError } from "../errors.js";
import { isCredentialHeader } from "../http/credentials.js";
import type { Part } from "../plan-parts.js";
import { readableChunks } from "../sources/byte-streams.js";
import { assertMimeType } from "../sources/mime-type.js";
import type { Transport } from "../transport/transport.js";
import type { PartTarget } from "../upload/part-target.js";
import { etagVerdict } from "../upload/upload-parts.js";
import { declaredSource } from "./declared-source.js";
import {
  type CompleteAnswer,
  type CompleteRequest,
  type DoneRequest,
  ROUTE_PATHS,
  type RouteErrorAnswer,
  type RouteFile,
  type RoutePart,
  SESSION_HEADER,
  type StartAnswer,
  type StartRequest,
  type TargetsAnswer,
  type TargetsRequest,
} from "./protocol.js";
import { SessionSigner } from "./session-token.js";

/** Options of `createUploadRoute`: who may upload what, decided on the server before the provider is called. */
export interface UploadRouteOptions<Options> {
  /**
   * Signs session tokens (HMAC-SHA-256). Default: a random key per process — give one (from your secrets) when
   * several processes serve the route, or tokens die with a restart.
   */
  secret?: string | Uint8Array | undefined;
  /** May this request upload this file? False: 403, and the provider is never called. */
  authorize?: ((request: Request, file: RouteFile) => boolean | Promise<boolean>) | undefined;
  /** Largest file in bytes: larger is 413 before any provider call. */
  maxSize?: number | undefined;
  /** The MIME types taken (`image/png`, or `image/*`): another is 415 before any provider call. */
  contentTypes?: readonly string[] | undefined;
  /** The provider options this route uploads with: fixed, or derived from the request (the signed-in user…). */
  uploadOptions?: Options | ((request: Request, file: RouteFile) => Options | Promise<Options>) | undefined;
  /** Provider options the browser may choose (default none): any other it sends is refused with 400. */
  allowOptions?: readonly (keyof Options & string)[] | undefined;
  /** How long a session lives without finishing. Default 1 hour. */
  sessionTtlMs?: number | undefined;
  /** Sessions held at once (each a few hundred bytes); past it, starts are refused with 503. Default 10,000. */
  maxSessions?: number | undefined;
}

interface HeldSession<Options, Session> {
  file: RouteFile;
  options: Options;
  session: Session;
  parts: Part[];
  mode: "direct" | "relay";
  single: boolean;
  /** ETags of parts the route relayed itself, or the page reported (`done`). */
  stored: Map<number, string>;
  expiresAt: number;
}

const JSON_LIMIT = 64 * 1024;
const HOUR = 60 * 60 * 1000;

class RouteRefusal extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * A Fetch-API handler that runs the server's half of `adapter`'s flow for pages that upload through it: start a
 * session, hand out part targets (direct) or relay the bytes (where the provider's parts need the credential),
 * complete, abort. The provider credential stays in `transport`; answers hold presigned URLs, opaque ids and the
 * plan. Requests are matched by their last path segments, so it serves under any prefix.
 */
export function createUploadRouteFor<Options extends CommonUploadOptions, Session, Result extends object>(
  adapter: UploadAdapter<Options, Session, Result>,
  transport: Transport,
  options: UploadRouteOptions<Options> = {},
): (request: Request) => Promise<Response> {
  const signer = new SessionSigner(options.secret);
  const sessions = new Map<string, HeldSession<Options, Session>>();
  const ttl = options.sessionTtlMs ?? HOUR;
  const maxSessions = options.maxSessions ?? 10_000;

  const held = async (token: unknown): Promise<{ id: string; held: HeldSession<Options, Session> }> => {
    const id = await signer.verify(token);
    if (id === undefined)
      throw new RouteRefusal(403, "ROUTE_SESSION_INVALID", "The session token is not one this server signed.");
    const found = sessions.get(id);
    if (!found || found.expiresAt < Date.now()) {
      sessions.delete(id);
      throw new RouteRefusal(404, "ROUTE_SESSION_GONE", "No such upload session: it finished, was aborted or expired.");
    }
    return { id, held: found };
  };
  const sweep = () => {
    const now = Date.now();
    for (const [id, entry] of sessions) if (entry.expiresAt < now) sessions.delete(id);
  };
  const core = (held: HeldSession<Options, Session>, record: Result): CompleteAnswer => ({
    id: adapter.idOf(record, held.session),
    provider: adapter.provider,
    size: held.file.size,
    contentType: held.file.contentType,
  });

  const start = async (request: Request): Promise<Response> => {
    const body = (await readJson(request)) as Partial<StartRequest>;
    const file = checkFile(body?.file);
    if (options.maxSize !== undefined && file.size > options.maxSize) {
      throw new RouteRefusal(
        413,
        "ROUTE_TOO_LARGE",
        `The file is ${file.size} bytes; this route takes at most ${options.maxSize}.`,
      );
    }
    if (options.contentTypes && !typeAllowed(file.contentType, options.contentTypes)) {
      throw new RouteRefusal(
        415,
        "ROUTE_CONTENT_TYPE",
        `This route does not take ${file.contentType} (it takes ${options.contentTypes.join(", ")}).`,
      );
    }
    if (options.authorize && !(await options.authorize(request, file))) {
      throw new RouteRefusal(403, "ROUTE_FORBIDDEN", "This upload is not authorized.");
    }
    const fixed =
      typeof options.uploadOptions === "function" ? await options.uploadOptions(request, file) : options.uploadOptions;
    const chosen = body.options ?? {};
    const refused = Object.keys(chosen).filter((name) => !(options.allowOptions ?? []).includes(name as keyof Options & string));
    if (refused.length > 0) {
      throw new RouteRefusal(400, "ROUTE_OPTION_REFUSED", `This route does not let the page choose ${refused.join(", ")}.`);
    }
    sweep();
    if (sessions.size >= maxSessions) throw new RouteRefusal(503, "ROUTE_BUSY", "Too many uploads in progress; try again later.");
    const uploadOptions = { ...chosen, ...fixed, filename: file.filename, contentType: file.contentType } as Options;
    const source = declaredSource(file);
    adapter.validate?.(source, uploadOptions);
    const planned = adapter.plan?.(source, uploadOptions, undefined);
    const context = { source, options: uploadOptions, signal: request.signal };
    const session = (await adapter.create?.(context, planned)) as Session;
    const transfer = adapter.transfer(context, session, planned);
    const single = "single" in transfer;
    const parts = single ? [] : transfer.parts;
    const { id, token } = await signer.issue();
    const mode = single || adapter.relay ? "relay" : "direct";
    sessions.set(id, {
      file,
      options: uploadOptions,
      session,
      parts,
      mode,
      single,
      stored: new Map(),
      expiresAt: Date.now() + ttl,
    });
    const answer: StartAnswer = {
      session: token,
      provider: adapter.provider,
      mode,
      parts: parts.map(({ partNumber, start, end }): RoutePart => ({ partNumber, start, end })),
    };
    return json(201, answer);
  };

  const partsOf = (entry: HeldSession<Options, Session>, numbers: unknown): Part[] => {
    if (!Array.isArray(numbers) || numbers.length === 0 || numbers.length > 100) {
      throw new RouteRefusal(400, "ROUTE_PART_NUMBERS", "partNumbers must be a list of 1 to 100 part numbers.");
    }
    return numbers.map((number) => {
      const part = entry.parts.find((candidate) => candidate.partNumber === number);
      if (!part) throw new RouteRefusal(400, "ROUTE_PART_NUMBER", `Part ${String(number)} is not in this session's plan.`);
      return part;
    });
  };
  const targetOf = (entry: HeldSession<Options, Session>, signal: AbortSignal) => {
    const context = { source: declaredSource(entry.file), options: entry.options, signal };
    const transfer = adapter.transfer(context, entry.session, entry.parts);
    if ("single" in transfer) throw new RouteRefusal(409, "ROUTE_MODE", "This session sends the whole file in one request.");
    return transfer;
  };

  const targets = async (request: Request): Promise<Response> => {
    const body = (await readJson(request)) as Partial<TargetsRequest>;
    const { held: entry } = await held(body?.session);
    if (entry.mode !== "direct") throw new RouteRefusal(409, "ROUTE_MODE", "This session's parts go through the route.");
    const transfer = targetOf(entry, request.signal);
    const answer: TargetsAnswer = { targets: [] };
    for (const part of partsOf(entry, body.partNumbers)) {
      const target = await transfer.target(part, { attempt: 1, refresh: body.refresh === true, signal: request.signal });
      const headers = target.headers ?? {};
      if (target.credentials || Object.keys(headers).some(isCredentialHeader)) {
        throw new UploadkitError(
          `${adapter.provider}'s part ${part.partNumber} target needs the credential: it must be relayed.`,
          {
            code: "ROUTE_TARGET_CREDENTIAL",
          },
        );
      }
      answer.targets.push({ partNumber: part.partNumber, url: target.url, method: "PUT", headers });
    }
    return json(200, answer);
  };

  const relayPart = async (request: Request, partNumber: number): Promise<Response> => {
    const { held: entry } = await held(request.headers.get(SESSION_HEADER));
    if (entry.mode !== "relay" || entry.single)
      throw new RouteRefusal(409, "ROUTE_MODE", "This session's parts do not go through the route.");
    const [part] = partsOf(entry, [partNumber]) as [Part];
    const transfer = targetOf(entry, request.signal);
    let readEtag: PartTarget["readEtag"];
    const { etag } = await transport.send({
      label: { partNumber },
      target: async (context) => {
        const target = await transfer.target(part, context);
        readEtag = target.readEtag;
        return target;
      },
      body: {
        size: part.size,
        description: `part ${partNumber} relayed from the browser`,
        open: once(request),
        reopenable: false,
      },
      digests: ["md5"],
      repeatable: true,
      accept: (answer) => etagVerdict(answer, readEtag, transport.checksum, transport),
      signal: request.signal,
    });
    entry.stored.set(partNumber, etag);
    return json(200, { partNumber, etag });
  };

  const relayFile = async (request: Request): Promise<Response> => {
    const { id, held: entry } = await held(request.headers.get(SESSION_HEADER));
    const context = { source: declaredSource(entry.file), options: entry.options, signal: request.signal };
    const transfer = adapter.transfer(context, entry.session, undefined);
    if (!("single" in transfer)) throw new RouteRefusal(409, "ROUTE_MODE", "This session sends parts, not one request.");
    const single = transfer.single;
    const record = await transport.send({
      label: { method: single.method, path: new URL(single.url).pathname },
      target: () => ({ url: single.url, method: single.method, headers: single.headers, credentials: single.credentials }),
      body: {
        size: entry.file.size,
        description: `file "${entry.file.filename}" relayed from the browser`,
        open: once(request),
        reopenable: false,
        head: single.head,
        tail: single.tail,
      },
      digests: single.digests,
      repeatable: false,
      responseLimit: single.responseLimit,
      accept: (answer) => single.accept(answer),
      signal: request.signal,
    });
    sessions.delete(id);
    return json(200, core(entry, record));
  };

  const done = async (request: Request): Promise<Response> => {
    const body = (await readJson(request)) as Partial<DoneRequest>;
    const { held: entry } = await held(body?.session);
    if (entry.mode !== "direct") throw new RouteRefusal(409, "ROUTE_MODE", "The route itself stored this session's parts.");
    const given = Array.isArray(body.parts) ? body.parts : [];
    const parts = partsOf(
      entry,
      given.map((part) => part?.partNumber),
    );
    for (const [index, part] of parts.entries()) {
      const etag = given[index]?.etag;
      if (typeof etag !== "string" || etag.length === 0 || etag.length > 1024) {
        throw new RouteRefusal(400, "ROUTE_PARTS", `Part ${part.partNumber} must come with its ETag.`);
      }
      entry.stored.set(part.partNumber, etag);
    }
    return new Response(null, { status: 204 });
  };

  const complete = async (request: Request): Promise<Response> => {
    const body = (await readJson(request)) as Partial<CompleteRequest>;
    const { id, held: entry } = await held(body?.session);
    const given = Array.isArray(body.parts) ? body.parts : [];
    const etags = entry.parts.map((part) => {
      const reported = given.filter((candidate) => candidate?.partNumber === part.partNumber);
      const etag = reported[0]?.etag;
      if (reported.length !== 1 || typeof etag !== "string" || etag.length === 0 || etag.length > 1024) {
        throw new RouteRefusal(
          400,
          "ROUTE_PARTS",
          `Part ${part.partNumber} must be reported once, with its ETag, before completing.`,
        );
      }
      if (entry.mode === "relay" && entry.stored.get(part.partNumber) !== etag) {
        throw new RouteRefusal(
          409,
          "ROUTE_PART_UNKNOWN",
          `Part ${part.partNumber} was not relayed by this route with that ETag.`,
        );
      }
      const reportedBefore = entry.stored.get(part.partNumber);
      if (entry.mode === "direct" && reportedBefore !== undefined && reportedBefore !== etag) {
        throw new RouteRefusal(409, "ROUTE_PART_UNKNOWN", `Part ${part.partNumber} was reported done with another ETag.`);
      }
      return { partNumber: part.partNumber, etag };
    });
    if (given.length !== entry.parts.length)
      throw new RouteRefusal(400, "ROUTE_PARTS", "Report every part of the plan, and only those.");
    if (!adapter.complete) throw new TypeError(`${adapter.provider}: a multipart transfer needs complete()`);
    sessions.delete(id);
    const context = { source: declaredSource(entry.file), options: entry.options, signal: request.signal };
    const record = await adapter.complete(context, entry.session, etags);
    return json(200, core(entry, record));
  };

  const abort = async (request: Request): Promise<Response> => {
    const body = (await readJson(request)) as { session?: unknown };
    const { id } = await held(body?.session);
    sessions.delete(id);
    return new Response(null, { status: 204 });
  };

  return async (request) => {
    try {
      const segments = new URL(request.url).pathname.split("/").filter(Boolean);
      const [last, beforeLast] = [segments.at(-1), segments.at(-2)];
      const method = request.method.toUpperCase();
      if (method === "POST" && last === ROUTE_PATHS.start) return await start(request);
      if (method === "POST" && last === ROUTE_PATHS.targets) return await targets(request);
      if (method === "PUT" && beforeLast === ROUTE_PATHS.part && /^\d{1,5}$/.test(last ?? ""))
        return await relayPart(request, Number(last));
      if (method === "PUT" && last === ROUTE_PATHS.file) return await relayFile(request);
      if (method === "POST" && last === ROUTE_PATHS.done) return await done(request);
      if (method === "POST" && last === ROUTE_PATHS.complete) return await complete(request);
      if (method === "POST" && last === ROUTE_PATHS.abort) return await abort(request);
      return refusal(
        new RouteRefusal(404, "ROUTE_NOT_FOUND", `No upload step answers ${method} ${segments.slice(-2).join("/")}.`),
      );
    } catch (error) {
      if (error instanceof RouteRefusal) return refusal(error);
      if (error instanceof InputError) return refusal(new RouteRefusal(400, error.code, error.message));
      const known = error instanceof UploadkitError;
      transport.log.warn(`upload route: ${known ? error.message : String((error as Error)?.message ?? error)}`);
      return refusal(
        new RouteRefusal(502, known ? error.code : "ROUTE_FAILED", known ? error.message : "The upload failed on the server."),
      );
    }
  };
}

function checkFile(value: unknown): RouteFile {
  const file = value as Partial<RouteFile> | undefined;
  const bad = (what: string) => new RouteRefusal(400, "ROUTE_FILE", `The file's ${what} is missing or invalid.`);
  if (!file || typeof file !== "object") throw bad("description");
  if (typeof file.filename !== "string" || file.filename.trim() === "" || file.filename.length > 1024) throw bad("filename");
  if (!Number.isSafeInteger(file.size) || (file.size as number) < 0) throw bad("size");
  try {
    assertMimeType(file.contentType);
  } catch {
    throw bad("contentType");
  }
  return { filename: file.filename, size: file.size as number, contentType: file.contentType as string };
}

function typeAllowed(contentType: string, allowed: readonly string[]): boolean {
  const type = contentType.split(";")[0]?.trim().toLowerCase() ?? "";
  return allowed.some((pattern) => {
    const wanted = pattern.toLowerCase();
    return wanted.endsWith("/*") ? type.startsWith(wanted.slice(0, -1)) : type === wanted;
  });
}

async function readJson(request: Request): Promise<unknown> {
  const bytes: Uint8Array[] = [];
  let length = 0;
  if (!request.body) throw new RouteRefusal(400, "ROUTE_BODY", "The request needs a JSON body.");
  for await (const chunk of readableChunks(request.body)) {
    length += chunk.length;
    if (length > JSON_LIMIT) throw new RouteRefusal(413, "ROUTE_BODY", `A JSON body over ${JSON_LIMIT} bytes is refused.`);
    bytes.push(chunk);
  }
  try {
    return JSON.parse(new TextDecoder().decode(await new Blob(bytes as Uint8Array<ArrayBuffer>[]).arrayBuffer()));
  } catch {
    throw new RouteRefusal(400, "ROUTE_BODY", "The request body is not JSON.");
  }
}

/** The request's body, readable once: a relayed body cannot be sent again by the route (the page retries it). */
function once(request: Request): () => AsyncIterable<Uint8Array> {
  let taken = false;
  return () => {
    if (taken || !request.body) throw new InputError("The relayed body was already sent once.", { code: "ROUTE_BODY_USED" });
    taken = true;
    return readableChunks(request.body);
  };
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", "cache-control": "no-store" },
  });
}

function refusal(error: RouteRefusal): Response {
  const body: RouteErrorAnswer = { error: { code: error.code, message: error.message } };
  return json(error.status, body);
}

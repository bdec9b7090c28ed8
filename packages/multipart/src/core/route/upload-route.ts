import { isOptionsObject } from "../argument-checks.js";
import type { UploadAdapter } from "../engine/upload-adapter.js";
import { assertUploadOptions, type CommonUploadOptions } from "../engine/upload-options.js";
import { InputError, SourceChangedError, UploadkitError } from "../errors.js";
import { isCredentialHeader } from "../http/credentials.js";
import type { Part } from "../plan-parts.js";
import type { Transport } from "../transport/transport.js";
import type { PartTarget } from "../upload/part-target.js";
import { etagVerdict } from "../upload/upload-parts.js";
import { declaredSource } from "./declared-source.js";
import {
  type CompleteRequest,
  type DoneRequest,
  type RelayedPartAnswer,
  ROUTE_PATHS,
  type RoutePart,
  SESSION_HEADER,
  type StartAnswer,
  type StartRequest,
  type TargetsAnswer,
  type TargetsRequest,
} from "./protocol.js";
import { checkFile, json, RouteRefusal, readJson, refusal, typeAllowed } from "./route-answers.js";
import { checkSniffed, peekHead } from "./route-declarations.js";
import { endAborted, finishOnce, keepFor, refuseEnded, sessionKeys } from "./route-finish.js";
import type { UploadRouteOptions } from "./route-options.js";
import { assertRouteOptions } from "./route-options-check.js";
import { newSessionId, type RouteSession, RouteTokens } from "./route-session.js";
import { memoryRouteStore, RouteStoreError, type UploadRouteStore } from "./route-store.js";

export type { UploadCompleteEvent, UploadRouteOptions } from "./route-options.js";

const HOUR = 60 * 60 * 1000;
const ETAG_LIMIT = 1024;

/**
 * A Fetch-API handler that runs the server's half of `adapter`'s flow for pages that upload through it: start a
 * session, hand out part targets (direct) or relay the bytes (where the provider's parts need the credential, or
 * `relay: true`), complete, abort. Stateless between steps: each step's token carries the session, sealed, so any
 * instance holding the secret serves any step; the store keeps only what must be one (finished, aborted, claimed).
 */
export function createUploadRouteFor<Options extends CommonUploadOptions, Session, Result extends object>(
  adapter: UploadAdapter<Options, Session, Result>,
  transport: Transport,
  options: UploadRouteOptions<Options, never> = {},
): (request: Request) => Promise<Response> {
  assertRouteOptions(options);
  const tokens = new RouteTokens(options.secret);
  const store = guarded(options.store ?? memoryRouteStore({ maxEntries: options.maxSessions }));
  const ttl = options.sessionTtlMs ?? HOUR;
  type Held = RouteSession<Options, Session>;

  const held = async (token: unknown): Promise<Held> => {
    const session = await tokens.open<Options, Session>(token);
    await refuseEnded(store, session.id);
    return session;
  };
  const contextOf = (entry: Held, signal: AbortSignal) => ({
    source: declaredSource(entry.file),
    options: entry.options,
    signal,
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
    if (!isOptionsObject(chosen)) throw new RouteRefusal(400, "ROUTE_OPTION_REFUSED", "The page's options must be an object.");
    const refused = Object.keys(chosen).filter((name) => !(options.allowOptions ?? []).includes(name as keyof Options & string));
    if (refused.length > 0) {
      throw new RouteRefusal(400, "ROUTE_OPTION_REFUSED", `This route does not let the page choose ${refused.join(", ")}.`);
    }
    const id = newSessionId();
    // The store answers before the provider is called: unreachable, nothing is started.
    await store.get(sessionKeys(id).ended);
    const uploadOptions = { ...chosen, ...fixed, filename: file.filename, contentType: file.contentType } as Options;
    // As uploadMedia checks them: a misspelt name in the server's uploadOptions, or a page's value of the wrong kind.
    assertUploadOptions(adapter.provider, uploadOptions, adapter.ownOptions, adapter.unsupported);
    const source = declaredSource(file);
    adapter.validate?.(source, uploadOptions);
    const planned = adapter.plan?.(source, uploadOptions, undefined);
    const context = { source, options: uploadOptions, signal: request.signal };
    const session = (await adapter.create?.(context, planned)) as Session;
    const transfer = adapter.transfer(context, session, planned);
    const single = "single" in transfer;
    const parts = single ? [] : transfer.parts;
    const mode = single || adapter.relay || options.relay ? "relay" : "direct";
    const entry: Held = { id, expiresAt: Date.now() + ttl, file, options: uploadOptions, session, parts, mode, single };
    const answer: StartAnswer = {
      session: await tokens.issue(entry),
      provider: adapter.provider,
      mode,
      parts: parts.map(({ partNumber, start, end }): RoutePart => ({ partNumber, start, end })),
    };
    return json(201, answer);
  };

  const partsOf = (entry: Held, numbers: unknown): Part[] => {
    if (!Array.isArray(numbers) || numbers.length === 0 || numbers.length > 100) {
      throw new RouteRefusal(400, "ROUTE_PART_NUMBERS", "partNumbers must be a list of 1 to 100 part numbers.");
    }
    return numbers.map((number) => {
      const part = Number.isInteger(number) ? entry.parts[(number as number) - 1] : undefined;
      if (!part) throw new RouteRefusal(400, "ROUTE_PART_NUMBER", `Part ${String(number)} is not in this session's plan.`);
      return part;
    });
  };
  const partTransfer = (entry: Held, signal: AbortSignal) => {
    const transfer = adapter.transfer(contextOf(entry, signal), entry.session, entry.parts);
    if ("single" in transfer) throw new RouteRefusal(409, "ROUTE_MODE", "This session sends the whole file in one request.");
    return transfer;
  };

  const targets = async (request: Request): Promise<Response> => {
    const body = (await readJson(request)) as Partial<TargetsRequest>;
    const entry = await held(body?.session);
    if (entry.mode !== "direct") throw new RouteRefusal(409, "ROUTE_MODE", "This session's parts go through the route.");
    const transfer = partTransfer(entry, request.signal);
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

  /** The relayed body, its declared length checked first and, for the file's first bytes, its type. */
  const relayedBody = async (request: Request, entry: Held, part: { start: number; size: number }) => {
    const declared = request.headers.get("content-length");
    if (declared !== null && Number(declared) !== part.size) {
      throw new RouteRefusal(413, "ROUTE_BODY_SIZE", `This request must carry ${part.size} bytes, not ${declared}.`);
    }
    if (!request.body) throw new RouteRefusal(400, "ROUTE_BODY", "The request carries no bytes.");
    const peeked = await peekHead(request.body);
    if (part.start === 0) await checkSniffed(peeked.head, entry.file, options.contentTypes);
    return () => peeked.chunks();
  };

  const relayPart = async (request: Request, partNumber: number): Promise<Response> => {
    const entry = await held(request.headers.get(SESSION_HEADER));
    if (entry.mode !== "relay" || entry.single) {
      throw new RouteRefusal(409, "ROUTE_MODE", "This session's parts do not go through the route.");
    }
    const [part] = partsOf(entry, [partNumber]) as [Part];
    const transfer = partTransfer(entry, request.signal);
    const open = await relayedBody(request, entry, part);
    let readEtag: PartTarget["readEtag"];
    const { etag } = await transport.send({
      label: { partNumber },
      target: async (context) => {
        const target = await transfer.target(part, context);
        readEtag = target.readEtag;
        return target;
      },
      body: { size: part.size, description: `part ${partNumber} relayed from the browser`, open, reopenable: false },
      digests: ["md5"],
      repeatable: true,
      accept: (answer) => etagVerdict(answer, readEtag, transport.checksum, transport),
      signal: request.signal,
    });
    const answer: RelayedPartAnswer = { partNumber, etag, receipt: await tokens.receipt(entry.id, partNumber, etag) };
    return json(200, answer);
  };

  const relayFile = async (request: Request): Promise<Response> => {
    // A finished session's file is answered by finishOnce (409 with the first answer), not refused as gone.
    const entry = await tokens.open<Options, Session>(request.headers.get(SESSION_HEADER));
    const context = contextOf(entry, request.signal);
    const transfer = adapter.transfer(context, entry.session, undefined);
    if (!("single" in transfer)) throw new RouteRefusal(409, "ROUTE_MODE", "This session sends parts, not one request.");
    const single = transfer.single;
    const finishing = { adapter, options, store, log: transport.log, request, held: entry, context };
    return finishOnce(finishing, async () => {
      const open = await relayedBody(request, entry, { start: 0, size: entry.file.size });
      return transport.send({
        label: { method: single.method, path: new URL(single.url).pathname },
        target: () => ({ url: single.url, method: single.method, headers: single.headers, credentials: single.credentials }),
        body: {
          size: entry.file.size,
          description: `file "${entry.file.filename}" relayed from the browser`,
          open,
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
    });
  };

  const done = async (request: Request): Promise<Response> => {
    const body = (await readJson(request)) as Partial<DoneRequest>;
    const entry = await held(body?.session);
    if (entry.mode !== "direct") throw new RouteRefusal(409, "ROUTE_MODE", "The route itself stored this session's parts.");
    const given = Array.isArray(body.parts) ? body.parts : [];
    const parts = partsOf(
      entry,
      given.map((part) => part?.partNumber),
    );
    for (const [index, part] of parts.entries()) {
      const etag = given[index]?.etag;
      if (typeof etag !== "string" || etag.length === 0 || etag.length > ETAG_LIMIT) {
        throw new RouteRefusal(400, "ROUTE_PARTS", `Part ${part.partNumber} must come with its ETag.`);
      }
      await store.setIfAbsent(sessionKeys(entry.id).part(part.partNumber), etag, keepFor(entry));
    }
    return new Response(null, { status: 204 });
  };

  /** Each part's ETag for the provider: as reported (direct, agreeing with earlier reports) or as relayed (receipts). */
  const completedParts = async (entry: Held, given: CompleteRequest["parts"]) => {
    if (given.length !== entry.parts.length) {
      throw new RouteRefusal(400, "ROUTE_PARTS", "Report every part of the plan, and only those, once each.");
    }
    const etags: { partNumber: number; etag: string }[] = [];
    for (const part of entry.parts) {
      const reported = given.filter((candidate) => candidate?.partNumber === part.partNumber);
      const value = reported[0]?.etag;
      if (reported.length !== 1 || typeof value !== "string" || value.length === 0 || value.length > 4 * ETAG_LIMIT) {
        throw new RouteRefusal(
          400,
          "ROUTE_PARTS",
          `Part ${part.partNumber} must be reported once, with its ETag, before completing.`,
        );
      }
      let etag = value;
      if (entry.mode === "relay") {
        const relayed = await tokens.etagOf(value, entry.id, part.partNumber);
        if (relayed === undefined) {
          throw new RouteRefusal(
            409,
            "ROUTE_PART_UNKNOWN",
            `Part ${part.partNumber} was not relayed by this route (no receipt of it).`,
          );
        }
        etag = relayed;
      } else {
        const before = await store.get(sessionKeys(entry.id).part(part.partNumber));
        if (before !== undefined && before !== etag) {
          throw new RouteRefusal(409, "ROUTE_PART_UNKNOWN", `Part ${part.partNumber} was reported done with another ETag.`);
        }
      }
      etags.push({ partNumber: part.partNumber, etag });
    }
    return etags;
  };

  const complete = async (request: Request): Promise<Response> => {
    const body = (await readJson(request)) as Partial<CompleteRequest>;
    const entry = await tokens.open<Options, Session>(body?.session);
    if (entry.single) throw new RouteRefusal(409, "ROUTE_MODE", "This session sends the whole file in one request (file).");
    const etags = await completedParts(entry, Array.isArray(body.parts) ? body.parts : []);
    if (!adapter.complete) throw new TypeError(`${adapter.provider}: a multipart transfer needs complete()`);
    const context = contextOf(entry, request.signal);
    const finishing = { adapter, options, store, log: transport.log, request, held: entry, context };
    return finishOnce(finishing, () => (adapter.complete as NonNullable<typeof adapter.complete>)(context, entry.session, etags));
  };

  const abort = async (request: Request): Promise<Response> => {
    const body = (await readJson(request)) as { session?: unknown };
    const entry = await held(body?.session);
    if ((await store.get(sessionKeys(entry.id).claim)) !== undefined) {
      throw new RouteRefusal(409, "ROUTE_SESSION_COMPLETING", "This upload is being completed; it can no longer be aborted.");
    }
    if (!(await endAborted(store, entry))) await refuseEnded(store, entry.id);
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
      return answerFailure(error, transport);
    }
  };
}

function answerFailure(error: unknown, transport: Transport): Response {
  if (error instanceof RouteRefusal) return refusal(error);
  if (error instanceof RouteStoreError) {
    transport.log.warn(`upload route: ${error.message}`);
    return refusal(
      new RouteRefusal(503, error.code, "The upload route's store cannot be reached; nothing was done. Try again later."),
    );
  }
  if (error instanceof SourceChangedError) {
    return refusal(new RouteRefusal(413, "ROUTE_BODY_SIZE", `The bytes sent are not the size declared: ${error.message}`));
  }
  if (error instanceof InputError) return refusal(new RouteRefusal(400, error.code, error.message));
  const known = error instanceof UploadkitError;
  transport.log.warn(`upload route: ${known ? error.message : String((error as Error)?.message ?? error)}`);
  return refusal(
    new RouteRefusal(502, known ? error.code : "ROUTE_FAILED", known ? error.message : "The upload failed on the server."),
  );
}

/** `store`, each failure of it a RouteStoreError (the route answers 503). */
function guarded(store: UploadRouteStore): UploadRouteStore {
  const wrap =
    <A extends unknown[], T>(call: (...args: A) => Promise<T>) =>
    async (...args: A): Promise<T> => {
      try {
        return await call(...args);
      } catch (error) {
        throw error instanceof RouteStoreError
          ? error
          : new RouteStoreError(`The upload route's store failed: ${(error as Error)?.message ?? error}`, { cause: error });
      }
    };
  return {
    setIfAbsent: wrap(store.setIfAbsent.bind(store)),
    get: wrap(store.get.bind(store)),
    delete: wrap(store.delete.bind(store)),
  };
}

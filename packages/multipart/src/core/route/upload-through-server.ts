import { checkpointStoreFor } from "#runtime";
import { assertHttpUrl } from "../api/http-url.js";
import { assertOptions } from "../argument-checks.js";
import { checkpointChecks } from "../engine/answer-checks.js";
import { runUpload } from "../engine/run-upload.js";
import type { UploadAdapter } from "../engine/upload-adapter.js";
import type { CommonUploadOptions, UploadResultCore } from "../engine/upload-options.js";
import { ApiError, isAbortError, UploadRouteError } from "../errors.js";
import type { Part } from "../plan-parts.js";
import type { SourceInput } from "../sources/open-source.js";
import type { CredentialSource } from "../transport/credential-set.js";
import { Transport } from "../transport/transport.js";
import type { ClientTransportOptions } from "../transport/transport-options.js";
import { CLIENT_OPTIONS } from "../transport/transport-options-check.js";
import {
  type CompleteAnswer,
  type CompleteRequest,
  type DoneRequest,
  type RelayedPartAnswer,
  ROUTE_PATHS,
  type RouteErrorAnswer,
  SESSION_HEADER,
  type StartAnswer,
  type StartRequest,
  type TargetsAnswer,
  type TargetsRequest,
} from "./protocol.js";

/** Options of `uploadThroughServer`. */
export interface UploadThroughServerOptions extends CommonUploadOptions, Omit<ClientTransportOptions, "onRetry" | "dispatcher"> {
  /** Where your server mounted `createUploadRoute` (absolute, or relative to the page). */
  endpoint: string | URL;
  /** Your app's own headers for the route (its session, a CSRF token): sent to the endpoint's origin only. */
  headers?: Record<string, CredentialSource> | undefined;
  /** Provider options the route lets the page choose (`allowOptions` on the server). */
  uploadOptions?: Record<string, unknown> | undefined;
}

/** What `uploadThroughServer` resolves with: the provider's result core, and what the server's hook returned. */
export interface UploadThroughServerResult<ServerData = unknown> extends UploadResultCore {
  /** What the route's `onUploadComplete` returned (JSON), when it has one. */
  serverData?: ServerData;
}

interface RouteSession {
  session: string;
  provider: string;
  mode: "direct" | "relay";
  parts: Part[];
}

/** uploadThroughServer's options beside the engine's: the route, what goes to it, and the client's own. */
const ROUTE_CLIENT_OPTIONS = { ...CLIENT_OPTIONS, endpoint: true, headers: true, uploadOptions: true } as const;

/**
 * Uploads `input` through an upload route on your server: the server starts the provider session with its own
 * credential and decides who may upload what; the bytes go from here straight to the provider's storage where it
 * allows (presigned part URLs), else through the route. The same engine as `uploadMedia`: retries, progress, abort,
 * integrity, and `checkpoint` (the server re-validates the session). Resolves with the result core the server got
 * from the provider; a refusal of the route rejects with an `UploadRouteError` naming it.
 */
export async function uploadThroughServer<ServerData = unknown>(
  input: SourceInput,
  options: UploadThroughServerOptions,
): Promise<UploadThroughServerResult<ServerData>> {
  assertOptions(options, "uploadThroughServer's options", {}, { open: true });
  const page = (globalThis as { location?: { href?: string } }).location?.href;
  // In a page a path resolves against it ("/api/uploads"); elsewhere only an absolute http(s) URL is one.
  let resolved = String(options?.endpoint);
  try {
    resolved = new URL(resolved, page).href;
  } catch {
    // Named as given by the check below.
  }
  assertHttpUrl("endpoint", resolved);
  const endpoint = new URL(resolved);
  const base = endpoint.href.replace(/\/+$/, "");
  const { headers, uploadOptions, endpoint: _endpoint, ...rest } = options;
  const transport = new Transport({ ...rest, apiOrigin: endpoint.origin, credentials: headers ?? {} });
  let started: RouteSession | undefined;
  let finished: CompleteAnswer | undefined;

  const call = async <T>(step: string, body: unknown): Promise<T> => {
    const response = await transport.fetch(
      new Request(`${base}/${step}`, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json" },
        body: JSON.stringify(body),
        ...(options.signal && step !== ROUTE_PATHS.abort ? { signal: options.signal } : {}),
      }),
    );
    const text = await response.text();
    if (!response.ok) {
      const refused = parseRefusal(text);
      // A complete whose answer was lost, asked again: the route finished it once and says how.
      if (step === ROUTE_PATHS.complete && refused?.error?.code === "ROUTE_SESSION_FINISHED" && refused.answer) {
        return refused.answer as T;
      }
      throw routeError(step, response.status, refused);
    }
    return (text ? JSON.parse(text) : undefined) as T;
  };

  const adapter: UploadAdapter<UploadThroughServerOptions, RouteSession, CompleteAnswer> = {
    provider: `route ${endpoint.origin}${endpoint.pathname}`,
    ownOptions: ROUTE_CLIENT_OPTIONS,
    rejectEmpty: false,
    checkSession(session, where) {
      const check = checkpointChecks(where);
      check.string(session.session, "session");
      check.string(session.provider, "provider");
      if (session.mode !== "direct" && session.mode !== "relay") check.string(undefined, "mode");
    },
    async create({ source }) {
      const request: StartRequest = {
        file: { filename: source.filename, size: source.size, contentType: source.contentType },
        ...(uploadOptions ? { options: uploadOptions } : {}),
      };
      const answer = await call<StartAnswer>(ROUTE_PATHS.start, request);
      started = {
        session: answer.session,
        provider: answer.provider,
        mode: answer.mode,
        parts: answer.parts.map(({ partNumber, start, end }) => ({ partNumber, start, end, size: end - start })),
      };
      return started;
    },
    transfer(_context, session) {
      started = session;
      const sessionHeader = { [SESSION_HEADER]: session.session };
      if (session.parts.length === 0) {
        return {
          single: {
            url: `${base}/${ROUTE_PATHS.file}`,
            method: "PUT",
            headers: sessionHeader,
            credentials: true,
            repeatable: false,
            accept: (answer) => ({ value: JSON.parse(answer.body) as CompleteAnswer }),
          },
        };
      }
      if (session.mode === "relay") {
        return {
          parts: session.parts,
          // The route compared the store's ETag with the MD5 of what it relayed; its receipt, which vouches for that
          // ETag, stands for the part's ETag from here to the complete.
          checksum: false,
          target: (part) => ({
            url: `${base}/${ROUTE_PATHS.part}/${part.partNumber}`,
            headers: sessionHeader,
            credentials: true,
            readEtag: (response) => (JSON.parse(response.body) as RelayedPartAnswer).receipt,
          }),
        };
      }
      return {
        parts: session.parts,
        target: async (part, context) => {
          const request: TargetsRequest = { session: session.session, partNumbers: [part.partNumber], refresh: context.refresh };
          const { targets } = await call<TargetsAnswer>(ROUTE_PATHS.targets, request);
          const target = targets.find((candidate) => candidate.partNumber === part.partNumber);
          if (!target) throw routeError(ROUTE_PATHS.targets, 502, undefined);
          return { url: target.url, method: target.method, headers: target.headers };
        },
      };
    },
    async partDone(_context, session, part) {
      if (session.mode !== "direct") return;
      const request: DoneRequest = { session: session.session, parts: [{ partNumber: part.partNumber, etag: part.etag }] };
      await call(ROUTE_PATHS.done, request);
    },
    async complete(_context, session, parts) {
      const request: CompleteRequest = {
        session: session.session,
        parts: parts.map(({ partNumber, etag }) => ({ partNumber, etag })),
      };
      return call<CompleteAnswer>(ROUTE_PATHS.complete, request);
    },
    async finish(_context, _session, record) {
      finished = record;
      return record;
    },
    idOf: (record) => record.id,
  };

  try {
    const result = await runUpload(adapter, transport, input, options);
    const answer = finished ?? result;
    return {
      id: answer.id,
      provider: answer.provider,
      size: answer.size,
      contentType: answer.contentType,
      ...(answer.serverData === undefined ? {} : { serverData: answer.serverData as ServerData }),
    };
  } catch (error) {
    // The page gave up: the route forgets the session, so no one can complete it — and a checkpoint of it could
    // only be refused later, so it goes too.
    if (isAbortError(error) && started) {
      await call(ROUTE_PATHS.abort, { session: started.session }).catch(() => {});
      if (options.checkpoint !== undefined) await clearCheckpoint(options.checkpoint).catch(() => {});
    }
    throw refusalOf(error) ?? error;
  }
}

async function clearCheckpoint(option: NonNullable<CommonUploadOptions["checkpoint"]>): Promise<void> {
  await (typeof option === "string" ? checkpointStoreFor(option) : option).clear();
}

/** A relayed body the route refused (an ApiError, or a part's failure caused by one), as the UploadRouteError it is. */
function refusalOf(error: unknown): UploadRouteError | undefined {
  for (let cause = error, depth = 0; cause instanceof Error && depth < 4; cause = cause.cause, depth++) {
    if (!(cause instanceof ApiError)) continue;
    const refused = cause.body as Partial<RouteErrorAnswer> | undefined;
    if (typeof refused?.error?.code !== "string") return undefined;
    return routeError(cause.path.split("/").at(-1) ?? "", cause.status, refused);
  }
  return undefined;
}

function parseRefusal(text: string): Partial<RouteErrorAnswer> | undefined {
  try {
    const parsed = JSON.parse(text) as Partial<RouteErrorAnswer>;
    return parsed && typeof parsed === "object" ? parsed : undefined;
  } catch {
    return undefined;
  }
}

function routeError(step: string, status: number, refused: Partial<RouteErrorAnswer> | undefined): UploadRouteError {
  const error = refused?.error;
  const why = typeof error?.message === "string" ? error.message : `HTTP ${status}`;
  return new UploadRouteError(`The upload route refused ${step} (${status}): ${why}`, {
    code: typeof error?.code === "string" ? error.code : `ROUTE_HTTP_${status}`,
    status,
    ...(typeof refused?.id === "string" ? { id: refused.id } : {}),
  });
}

import type { FlowContext, UploadAdapter } from "../engine/upload-adapter.js";
import type { CommonUploadOptions } from "../engine/upload-options.js";
import type { TransportLog } from "../transport/transport-log.js";
import type { CompleteAnswer } from "./protocol.js";
import { json, RouteRefusal } from "./route-answers.js";
import { storedMismatch } from "./route-declarations.js";
import type { UploadRouteOptions } from "./route-options.js";
import type { RouteSession } from "./route-session.js";
import type { UploadRouteStore } from "./route-store.js";

/** How long a completion is claimed for: an instance that dies while completing holds it this long at most. */
const CLAIM_TTL_MS = 5 * 60 * 1000;
const SERVER_DATA_LIMIT = 64 * 1024;

/** How a session ended, as the store keeps it: every instance refuses the token after it, or repeats the answer. */
type Ended =
  | { state: "aborted" }
  | { state: "finished"; answer: CompleteAnswer }
  | { state: "refused"; status: number; code: string; message: string; id?: string | undefined };

/** The store's keys of one session. */
export function sessionKeys(id: string) {
  const base = `uploadkit:route:${id}`;
  return { ended: `${base}:ended`, claim: `${base}:claim`, part: (partNumber: number) => `${base}:part:${partNumber}` };
}

/** How long the store keeps what it knows of a session: until its token expires, and a minute more. */
export function keepFor(held: { expiresAt: number }): number {
  return Math.max(1000, held.expiresAt - Date.now() + 60_000);
}

/** Refuses the token of a session that finished or was aborted (a finished one's complete gets its answer again). */
export async function refuseEnded(store: UploadRouteStore, id: string, finishing = false): Promise<void> {
  const text = await store.get(sessionKeys(id).ended);
  if (text === undefined) return;
  const ended = JSON.parse(text) as Ended;
  if (finishing && ended.state === "finished") {
    throw new RouteRefusal(409, "ROUTE_SESSION_FINISHED", "This upload already finished; nothing was done again.", {
      answer: ended.answer,
    });
  }
  if (finishing && ended.state === "refused") {
    throw new RouteRefusal(ended.status, ended.code, ended.message, ended.id ? { id: ended.id } : {});
  }
  throw new RouteRefusal(
    404,
    "ROUTE_SESSION_GONE",
    `No such upload session: it ${ended.state === "aborted" ? "was aborted" : "finished"}.`,
  );
}

/** Marks a session aborted everywhere; false when it had already ended. */
export async function endAborted(store: UploadRouteStore, held: RouteSession<unknown, unknown>): Promise<boolean> {
  return store.setIfAbsent(sessionKeys(held.id).ended, JSON.stringify({ state: "aborted" } satisfies Ended), keepFor(held));
}

export interface Finishing<Options extends CommonUploadOptions, Session, Result extends object> {
  adapter: UploadAdapter<Options, Session, Result>;
  options: UploadRouteOptions<Options, never>;
  store: UploadRouteStore;
  log: TransportLog;
  request: Request;
  held: RouteSession<Options, Session>;
  context: FlowContext<Options>;
}

/**
 * Finishes an upload once for every instance: claims it in the store, lets the provider finish it (`provider`: the
 * complete call, or the relayed file), checks what the provider stored against the declaration (a mismatch is
 * deleted where the provider can, and refused), runs `onUploadComplete`, and keeps the answer for replays.
 */
export async function finishOnce<Options extends CommonUploadOptions, Session, Result extends object>(
  finishing: Finishing<Options, Session, Result>,
  provider: () => Promise<Result>,
): Promise<Response> {
  const { adapter, options, store, log, request, held, context } = finishing;
  const keys = sessionKeys(held.id);
  await refuseEnded(store, held.id, true);
  if (!(await store.setIfAbsent(keys.claim, "1", CLAIM_TTL_MS))) {
    await refuseEnded(store, held.id, true);
    throw new RouteRefusal(503, "ROUTE_SESSION_COMPLETING", "This upload is being completed by another request; ask again.");
  }
  const end = async (ended: Ended) => {
    await store.setIfAbsent(keys.ended, JSON.stringify(ended), keepFor(held)).catch((error: unknown) => {
      log.warn(`upload route: could not record that ${adapter.provider} upload ${held.id} ended: ${(error as Error).message}`);
    });
  };
  let record: Result;
  try {
    record = await provider();
  } catch (error) {
    // Nothing finished: the page may try again.
    await store.delete(keys.claim).catch(() => {});
    throw error;
  }
  const id = adapter.idOf(record, held.session);
  const core: CompleteAnswer = { id, provider: adapter.provider, size: held.file.size, contentType: held.file.contentType };
  const mismatch = adapter.stored && storedMismatch(adapter.stored(record), held.file, options.contentTypes);
  if (mismatch) {
    let removed = "the provider has no delete, so it stays there";
    if (adapter.remove) {
      removed = await adapter.remove(context, held.session, record).then(
        () => "it was deleted",
        (error: unknown) => `deleting it failed (${(error as Error).message})`,
      );
    }
    const message = `The upload was refused: ${mismatch}. ${adapter.provider} ${id}: ${removed}.`;
    log.warn(`upload route: ${message}`);
    await end({ state: "refused", status: 422, code: "ROUTE_DECLARATION_MISMATCH", message, id });
    throw new RouteRefusal(422, "ROUTE_DECLARATION_MISMATCH", message, { id });
  }
  let answer = core;
  if (options.onUploadComplete) {
    try {
      const serverData = await options.onUploadComplete({ request, file: held.file, result: { ...record, ...core } as never });
      const text = serverData === undefined ? undefined : JSON.stringify(serverData);
      if (text !== undefined && text.length > SERVER_DATA_LIMIT) {
        throw new TypeError(`it returned ${text.length} bytes of JSON; at most ${SERVER_DATA_LIMIT} reach the page`);
      }
      if (text !== undefined) answer = { ...core, serverData: JSON.parse(text) };
    } catch (error) {
      const message = `onUploadComplete failed for ${adapter.provider} upload ${id}: ${(error as Error)?.message ?? String(error)}`;
      log.warn(`upload route: ${message}`);
      const said = `The upload was stored (${adapter.provider} ${id}), but the server could not finish handling it.`;
      await end({ state: "refused", status: 500, code: "ROUTE_COMPLETE_HOOK_FAILED", message: said, id });
      throw new RouteRefusal(500, "ROUTE_COMPLETE_HOOK_FAILED", said, { id });
    }
  }
  await end({ state: "finished", answer });
  return json(200, answer);
}

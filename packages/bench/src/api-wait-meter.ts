import { subscribe, unsubscribe } from "node:diagnostics_channel";

/** One request seen on undici's channels. */
export interface RequestSpan {
  start: number;
  end: number;
  method: string;
  origin: string;
  path: string;
}

/** What the API made an upload wait for: stretches with an API call pending and no body moving. */
export interface ApiWait {
  /** How many separate stretches: round trips waited on one after another (calls sent together count once). */
  roundTrips: number;
  /** Their total length, in seconds (the server's own work on those calls included). */
  seconds: number;
}

/**
 * Watches undici's diagnostics channels (every request the clients make goes through undici) while one upload runs,
 * and tells which API round trips the upload waited on: time during which an API call to `apiOrigin` was pending
 * and no body (a PUT, or the request carrying the file) was moving. A round trip the engine overlaps with part
 * uploads costs nothing here; create, the first part URL and complete cannot be overlapped and show.
 */
export class ApiWaitMeter {
  private readonly spans = new Map<object, RequestSpan>();
  private readonly onCreate = (message: unknown) => {
    const { request } = message as { request: { origin?: unknown; method?: string; path?: string } };
    this.spans.set(request, {
      start: performance.now(),
      end: Number.NaN,
      method: String(request.method),
      origin: String(request.origin ?? ""),
      path: String(request.path ?? "").split("?")[0] ?? "",
    });
  };
  private readonly onHeaders = (message: unknown) => {
    // Body transfers end when the store answers; the answer's headers are the end of the wait for both kinds.
    const span = this.spans.get((message as { request: object }).request);
    if (span && Number.isNaN(span.end)) span.end = performance.now();
  };

  /** `minStretchMs`: shorter stretches (a call ending a hair after a part) are not counted. */
  constructor(
    private readonly apiOrigin: string,
    private readonly minStretchMs = 1,
  ) {
    subscribe("undici:request:create", this.onCreate);
    subscribe("undici:request:headers", this.onHeaders);
    subscribe("undici:request:error", this.onHeaders);
  }

  /**
   * Stops watching and returns the waits of everything seen since construction. Bodies are PUTs, and the requests
   * `carriesFile` picks (a provider whose one API call carries the file).
   */
  stop(carriesFile: (span: RequestSpan) => boolean = () => false): ApiWait {
    unsubscribe("undici:request:create", this.onCreate);
    unsubscribe("undici:request:headers", this.onHeaders);
    unsubscribe("undici:request:error", this.onHeaders);
    const done = [...this.spans.values()].filter((span) => !Number.isNaN(span.end));
    const isBody = (span: RequestSpan) => span.method === "PUT" || carriesFile(span);
    const api = done.filter((span) => span.origin === this.apiOrigin && !isBody(span));
    const bodies = done.filter(isBody);
    const waits = subtract(union(api), union(bodies)).filter(([from, to]) => to - from >= this.minStretchMs);
    return { roundTrips: waits.length, seconds: waits.reduce((sum, [from, to]) => sum + (to - from), 0) / 1000 };
  }
}

type Interval = readonly [number, number];

/** The spans as sorted, disjoint intervals. */
function union(spans: readonly RequestSpan[]): Interval[] {
  const sorted = spans.map((span) => [span.start, span.end] as const).sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const [from, to] of sorted) {
    const last = merged.at(-1);
    if (last && from <= last[1]) last[1] = Math.max(last[1], to);
    else merged.push([from, to]);
  }
  return merged;
}

/** What of `intervals` no interval of `minus` covers. */
function subtract(intervals: readonly Interval[], minus: readonly Interval[]): Interval[] {
  const left: Interval[] = [];
  for (const [from, to] of intervals) {
    let cursor = from;
    for (const [cutFrom, cutTo] of minus) {
      if (cutTo <= cursor || cutFrom >= to) continue;
      if (cutFrom > cursor) left.push([cursor, cutFrom]);
      cursor = Math.max(cursor, cutTo);
    }
    if (cursor < to) left.push([cursor, to]);
  }
  return left.filter(([from, to]) => to > from);
}

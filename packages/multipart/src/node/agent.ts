import { Agent, type Dispatcher } from "undici";

let shared: Dispatcher | undefined;

/** One keep-alive agent for all part uploads of the process, created on first use. */
export function sharedAgent(): Dispatcher {
  shared ??= new Agent({ keepAliveTimeout: 10_000, keepAliveMaxTimeout: 60_000, headersTimeout: 0, bodyTimeout: 0 });
  return shared;
}

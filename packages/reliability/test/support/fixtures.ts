import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Sandbox } from "@uploadkit/sandbox";
import type { Provider } from "./clients.js";

/** The first bytes of an MP4 (an `ftyp` box), so sniffing calls the file video/mp4. */
export const MP4_HEAD = Buffer.from("0000001c667479706d703432000000006d703432697336366d703431", "hex");

/** Writes MP4-looking files of random bytes into `dir` (or another folder), each under a new name. */
export function mp4Writer(dir: string): (size: number, folder?: string) => { path: string; bytes: Buffer } {
  let n = 0;
  return (size, folder = dir) => {
    const bytes = Buffer.concat([MP4_HEAD, randomBytes(size - MP4_HEAD.length)]);
    const path = join(folder, `f${++n}.mp4`);
    writeFileSync(path, bytes);
    return { path, bytes };
  };
}

/** Each provider's call that completes an upload (what must never happen after a failure). */
export const COMPLETE_CALLS: Record<Provider, RegExp> = {
  fanvue: /^PATCH \/media\/uploads\/[^/]+$/,
  ofauth: /^(POST \/v2\/access\/uploads\/complete|PUT \/v2\/access\/uploads\/[^/]+)$/,
  record360: /^POST \/api\/users\/multipart_upload_complete\//,
  flowkiwi: /^POST \/rest\/api\/medias$/,
};

/** How many complete calls `provider`'s fake has received. */
export function completeCalls(sandbox: Sandbox, provider: Provider): number {
  return sandbox.requests.filter(
    (r) => r.server === provider && COMPLETE_CALLS[provider].test(`${r.method} ${r.url.split("?")[0]}`),
  ).length;
}

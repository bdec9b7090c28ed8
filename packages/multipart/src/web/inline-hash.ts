import { md5 } from "@noble/hashes/legacy.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { hex } from "../core/http/hex.js";
import { Md5Lanes } from "../core/http/md5-lanes.js";
import { MD5_LANES_LAYOUT, md5LanesModuleBytes, md5LanesProbe } from "../core/http/md5-lanes-wasm.js";
import type { HashAlgorithm, RunningHash } from "../core/runtime/runtime-parts.js";
import { webGlobals } from "./web-globals.js";

let lanes: Md5Lanes | null | undefined;
let nextId = 1;

/** This thread's MD5 lanes, made on first use; null where WebAssembly SIMD is missing or fails its self-check. */
function threadLanes(): Md5Lanes | null {
  if (lanes !== undefined) return lanes;
  try {
    const compile = webGlobals.WebAssembly?.Module;
    if (!compile) {
      lanes = null;
      return lanes;
    }
    const candidate = new Md5Lanes(new compile(md5LanesModuleBytes()), MD5_LANES_LAYOUT);
    const probe = md5LanesProbe();
    lanes = candidate.selfCheck(probe, hex(md5(probe))) ? candidate : null;
  } catch {
    lanes = null;
  }
  return lanes;
}

/**
 * A digest computed on this thread: an MD5 in a lane of the WebAssembly module while one is free, else (and every
 * SHA-256) by @noble/hashes. Chunks are compressed as they come, so nothing is held.
 */
export function startInlineHash(algorithm: HashAlgorithm): RunningHash {
  const shared = algorithm === "md5" ? threadLanes() : null;
  const id = nextId++;
  if (shared?.open(id)) {
    let open = true;
    return {
      update: (chunk) => {
        shared.add(id, chunk);
        shared.pump();
        return undefined;
      },
      digest: async () => {
        open = false;
        return shared.digest(id);
      },
      discard: () => {
        if (open) shared.discard(id);
        open = false;
      },
    };
  }
  const hash = (algorithm === "md5" ? md5 : sha256).create();
  return {
    update: (chunk) => {
      hash.update(chunk);
      return undefined;
    },
    digest: async () => hex(hash.digest()),
    discard: () => {},
  };
}

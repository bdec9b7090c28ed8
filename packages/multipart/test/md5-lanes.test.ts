import { createHash, randomBytes } from "node:crypto";
import { runInNewContext } from "node:vm";
import { build } from "esbuild";
import { describe, expect, it } from "vitest";
import { Md5Lanes } from "../src/core/http/md5-lanes.js";
import { MD5_LANES_LAYOUT, md5LanesModuleBytes } from "../src/core/http/md5-lanes-wasm.js";
import { readOffset } from "../src/node/read-offset.js";

const KiB = 1024;
const md5 = (bytes: Uint8Array) => createHash("md5").update(bytes).digest("hex");
const layout = MD5_LANES_LAYOUT;
const LANE_BYTES = layout.laneBytes;
// The library's lib setting has no DOM types; WebAssembly is a global of every Node since 8.
const wasm = (
  globalThis as unknown as {
    WebAssembly: { Module: new (bytes: Uint8Array) => object; validate(bytes: Uint8Array): boolean };
  }
).WebAssembly;
const module = new wasm.Module(md5LanesModuleBytes());
const lanes = () => new Md5Lanes(module, layout);

/** Feeds `bytes` in pieces whose sizes cycle through `sizes`. */
function feed(hasher: Md5Lanes, id: number, bytes: Uint8Array, sizes: number[]): void {
  for (let offset = 0, turn = 0; offset < bytes.length; turn++) {
    const size = sizes[turn % sizes.length] as number;
    hasher.add(id, bytes.subarray(offset, offset + size));
    offset += size;
  }
}

describe("multi-lane MD5 (WebAssembly SIMD)", () => {
  it("the module validates", () => {
    expect(wasm.validate(md5LanesModuleBytes())).toBe(true);
  });

  it("equals node:crypto for every length around the padding edges, whole or in odd pieces", () => {
    const hasher = lanes();
    for (let length = 0; length <= 200; length++) {
      const bytes = randomBytes(length);
      expect(hasher.open(1)).toBe(true);
      feed(hasher, 1, bytes, [7, 64, 1, 129]);
      expect(hasher.digest(1)).toBe(md5(bytes));
    }
  });

  it("a message in every lane, of different lengths and piece sizes, interleaved, each equal node:crypto", () => {
    const hasher = lanes();
    expect(layout.lanes).toBe(8);
    const lengths = [3 * LANE_BYTES + 5, 700 * KiB, 64 * KiB, 1, 2 * LANE_BYTES, 0, 129 * KiB + 63, 5 * KiB];
    const messages = lengths.map((length) => randomBytes(length));
    const ids = messages.map((_, index) => index + 1);
    for (const id of ids) expect(hasher.open(id)).toBe(true);
    expect(hasher.open(99)).toBe(false);
    const sizes = [LANE_BYTES, 100 * KiB + 3, 999, 1, 64 * KiB, 7, 33 * KiB, 4 * KiB + 1];
    const offsets = messages.map(() => 0);
    while (offsets.some((offset, index) => offset < (messages[index] as Buffer).length)) {
      for (const [index, bytes] of messages.entries()) {
        const offset = offsets[index] as number;
        if (offset >= bytes.length) continue;
        hasher.add(index + 1, bytes.subarray(offset, offset + (sizes[index] as number)));
        offsets[index] = offset + (sizes[index] as number);
      }
      hasher.pump(256 * KiB);
    }
    // Digest in another order than the lanes were opened: each lane's state is its own.
    for (const id of [3, 8, 1, 6, 4, 2, 7, 5]) expect(hasher.digest(id)).toBe(md5(messages[id - 1] as Buffer));
  });

  it("lanes of one vector alone, of the other alone, and of both, in any mix of opens, feeds, discards and digests", () => {
    const hasher = lanes();
    let seed = 41;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const open = new Map<number, ReturnType<typeof createHash>>();
    let nextId = 1;
    let checked = 0;
    for (let turn = 0; turn < 4000; turn++) {
      const pick = () => [...open.keys()][Math.floor(random() * open.size)] as number;
      const roll = random();
      if (roll < 0.2 && !hasher.full()) {
        const id = nextId++;
        expect(hasher.open(id)).toBe(true);
        open.set(id, createHash("md5"));
      } else if (roll < 0.7 && open.size > 0) {
        const id = pick();
        const bytes = randomBytes(Math.floor(random() * (random() < 0.1 ? 300 * KiB : 3 * KiB)));
        hasher.add(id, bytes);
        open.get(id)?.update(bytes);
      } else if (roll < 0.85) hasher.pump(random() < 0.5 ? 0 : 100 * KiB);
      else if (open.size > 0) {
        const id = pick();
        if (random() < 0.1) hasher.discard(id);
        else {
          expect(hasher.digest(id)).toBe(open.get(id)?.digest("hex"));
          checked++;
        }
        open.delete(id);
      }
    }
    expect(checked).toBeGreaterThan(300);
  });

  it("waits for every open lane to have bytes, unless more than holdBytes are queued", () => {
    const hasher = lanes();
    hasher.open(1);
    hasher.open(2);
    const given: number[] = [];
    hasher.add(1, randomBytes(128 * KiB), () => given.push(1));
    hasher.pump(256 * KiB);
    expect(given).toEqual([]); // lane 2 has nothing yet: lane 1 waits, so the two can go together
    hasher.add(1, randomBytes(256 * KiB), () => given.push(11));
    hasher.pump(256 * KiB);
    expect(given).toEqual([1]); // past holdBytes: lane 1 goes alone, until no more than holdBytes wait
    const bytes = randomBytes(64 * KiB);
    hasher.add(2, bytes, () => given.push(2));
    hasher.pump(256 * KiB);
    expect(given).toEqual([1, 2]); // together while both have bytes; then lane 1's rest waits again
    expect(hasher.digest(2)).toBe(md5(bytes));
    hasher.digest(1);
    expect(given).toEqual([1, 2, 11]);
  });

  it("a discarded message gives its queued bytes back and frees its lane; the others are untouched", () => {
    const hasher = lanes();
    const kept = randomBytes(300 * KiB);
    hasher.open(1);
    hasher.open(2);
    hasher.add(1, kept.subarray(0, 100 * KiB));
    let returned = 0;
    hasher.add(2, randomBytes(200 * KiB), () => returned++);
    hasher.discard(2);
    expect(returned).toBe(1);
    expect(hasher.open(3)).toBe(true);
    hasher.add(1, kept.subarray(100 * KiB));
    expect(hasher.digest(1)).toBe(md5(kept));
  });
});

describe("the lanes' self-check (run before a worker or thread trusts them)", () => {
  const probe = Uint8Array.from({ length: 1000 }, (_, index) => (index * 131 + 7) & 0xff);

  it("passes on this runtime, and leaves every lane free", () => {
    const hasher = lanes();
    expect(hasher.selfCheck(probe, md5(probe))).toBe(true);
    for (let id = 1; id <= layout.lanes; id++) expect(hasher.open(id)).toBe(true);
  });

  it("fails when the lanes do not give node:crypto's digest (here: a layout that reads the wrong state)", () => {
    const broken = new Md5Lanes(module, { ...layout, stateOffset: layout.maskOffset });
    expect(broken.selfCheck(probe, md5(probe))).toBe(false);
  });

  // The hashing workers (Node's and the page's) get these as source text. A name from outside (an import) is a
  // ReferenceError there, the self-check fails, and every MD5 silently falls back to node:crypto or the page's thread.
  /** Md5Lanes rebuilt from the class's source text alone, in a context with nothing but WebAssembly. */
  function fromSourceText(source: string): Md5Lanes {
    const context = { WebAssembly: wasm, bytes: md5LanesModuleBytes() };
    const Isolated = runInNewContext(`(${source})`, context) as typeof Md5Lanes;
    return new Isolated(runInNewContext("new WebAssembly.Module(bytes)", context), layout);
  }

  function hashesRight(hasher: Md5Lanes): void {
    expect(hasher.selfCheck(probe, md5(probe))).toBe(true);
    const bytes = randomBytes(3 * LANE_BYTES + 17);
    expect(hasher.open(1)).toBe(true);
    feed(hasher, 1, bytes, [1000, 64]);
    expect(hasher.digest(1)).toBe(md5(bytes));
  }

  it("passes from the class's source text alone, in a context with nothing but WebAssembly (as in the workers)", () => {
    hashesRight(fromSourceText(Md5Lanes.toString()));
    const isolatedOffset = runInNewContext(`(${readOffset.toString()})`, {}) as typeof readOffset;
    for (const position of [0, 1, 4095, 4096, 2 ** 40 + 5]) expect(isolatedOffset(position)).toBe(readOffset(position));
  });

  // A web app's bundler rewrites what its target lacks into calls of helpers defined beside the class, not in it.
  it.each(["es2015", "es2017", "es2020", "es2022"])(
    "passes from its source text after a bundler built it for %s (esbuild, as Vite does)",
    async (target) => {
      const built = await build({
        stdin: {
          contents: `import { Md5Lanes } from "./src/core/http/md5-lanes.ts"; globalThis.source = Md5Lanes.toString();`,
          resolveDir: new URL("..", import.meta.url).pathname,
          loader: "ts",
        },
        bundle: true,
        format: "iife",
        target,
        write: false,
        logLevel: "silent",
      });
      const context: { source?: string } = {};
      runInNewContext(built.outputFiles[0]?.text ?? "", context);
      hashesRight(fromSourceText(context.source as string));
    },
  );
});

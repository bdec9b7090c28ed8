import type { Md5LanesLayout } from "./md5-lanes.js";

/**
 * The bytes of a WebAssembly module that runs MD5 on eight independent messages at once: two groups of four, one
 * message per 32-bit lane of a 128-bit SIMD vector (WebAssembly SIMD, in Node since 16). MD5 is a chain of
 * dependent steps, so one vector of messages leaves most of a core idle; two, their steps alternating, hash 1.4×
 * the bytes in the same time (4-lane module: ~2300 MiB/s; 8 lanes: ~3260 MiB/s on the bench machine). A group
 * whose lanes are all empty is not run (`run0`, `run1`). No library offers multi-buffer MD5 for JavaScript, and a
 * build step would need a compiler CI does not have, so the module is written out here, step by step.
 *
 * Memory layout (all offsets in bytes); lane k is lane k % 4 of group ⌊k / 4⌋:
 * - `STATE_OFFSET`: per group, four vectors A, B, C, D; lane k of each is message k's state.
 * - `MASK_OFFSET`: one vector per group; lanes set to all ones are updated by `run`, the others keep their state.
 * - `SAVE_OFFSET`, `PACE_OFFSET`: a block's starting state, and the stores that pace the groups (see `runBody`).
 * - `LANE_OFFSET + k * LANE_BYTES`: message k's next blocks.
 * - `SINE_OFFSET`: MD5's 64 constants, each repeated in four lanes (a data segment). A load costs one instruction
 *   where a `v128.const` costs three on x64.
 * - `WORDS_OFFSET`: per group, the block being compressed, transposed (vector w holds word w of its lanes). Kept
 *   in memory rather than in 16 locals, which x64's 16 vector registers cannot hold beside the state anyway.
 *
 * Export `run(blocks)` compresses `blocks` 64-byte blocks of every lane into the masked lanes' states.
 */
export const MD5_LANES = 8;
/** Lanes per 128-bit vector; the module runs `MD5_LANES / 4` vectors of messages side by side. */
const GROUPS = MD5_LANES / 4;
const STATE_OFFSET = 0;
const MASK_OFFSET = STATE_OFFSET + GROUPS * 64;
const SAVE_OFFSET = MASK_OFFSET + GROUPS * 16;
const PACE_OFFSET = SAVE_OFFSET + GROUPS * 64;
const LANE_OFFSET = Math.ceil((PACE_OFFSET + GROUPS * 16) / 64) * 64;
const LANE_BYTES = 256 * 1024;
const SINE_OFFSET = LANE_OFFSET + MD5_LANES * LANE_BYTES;
const WORDS_OFFSET = SINE_OFFSET + 64 * 16;

/** The module's memory layout, as `Md5Lanes` takes it. */
export const MD5_LANES_LAYOUT: Md5LanesLayout = {
  lanes: MD5_LANES,
  stateOffset: STATE_OFFSET,
  maskOffset: MASK_OFFSET,
  laneOffset: LANE_OFFSET,
  laneBytes: LANE_BYTES,
};

/**
 * What lanes hash before they are trusted (`Md5Lanes.selfCheck`, against the runtime's own MD5): 1,000 bytes, so
 * whole blocks, a carried tail and the padding are all exercised. The same bytes in every runtime.
 */
export function md5LanesProbe(): Uint8Array {
  return Uint8Array.from({ length: 1000 }, (_, index) => (index * 131 + 7) & 0xff);
}

const PAGE = 64 * 1024;
const SHIFTS = [7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21];

// Locals: 0 = blocks (the parameter); then i32 j, p (j * 64); then v128 a, b, c, d of each group, a scratch t of
// each group, and four for the transposition.
const J = 1;
const P = 2;
const STATE = Array.from({ length: GROUPS }, (_, group) => [0, 1, 2, 3].map((index) => 3 + group * 4 + index));
const T = Array.from({ length: GROUPS }, (_, group) => 3 + GROUPS * 4 + group);
const SWAP = [0, 1, 2, 3].map((index) => 3 + GROUPS * 5 + index);

const op = {
  block: [0x02, 0x40],
  loop: [0x03, 0x40],
  end: [0x0b],
  br: (depth: number) => [0x0c, depth],
  brIf: (depth: number) => [0x0d, depth],
  get: (index: number) => [0x20, index],
  set: (index: number) => [0x21, index],
  tee: (index: number) => [0x22, index],
  i32Const: (value: number) => [0x41, ...sleb(value)],
  i32Add: [0x6a],
  i32GeU: [0x4f],
  simd: (code: number, ...rest: number[]) => [0xfd, ...uleb(code), ...rest],
};
const v128 = {
  load: (offset: number) => op.simd(0x00, 4, ...uleb(offset)),
  store: (offset: number) => op.simd(0x0b, 4, ...uleb(offset)),
  shuffle: (lanes: number[]) => op.simd(0x0d, ...lanes),
  not: op.simd(0x4d),
  and: op.simd(0x4e),
  andNot: op.simd(0x4f),
  or: op.simd(0x50),
  xor: op.simd(0x51),
  bitselect: op.simd(0x52),
  shl: op.simd(0xab),
  shrU: op.simd(0xad),
  add: op.simd(0xae),
};

/**
 * The module's bytes; `WebAssembly.validate` them before use (a runtime without SIMD refuses them). It exports `run`
 * (every group) and `run0`, `run1`, … (one group alone, for when only its lanes have bytes).
 */
export function md5LanesModuleBytes(): Uint8Array {
  const groups = Array.from({ length: GROUPS }, (_, group) => group);
  const bodies = [groups, ...(GROUPS > 1 ? groups.map((group) => [group]) : [])].map(runBody);
  const exports = bodies.map((_, index) => [...name(index === 0 ? "run" : `run${index - 1}`), 0, index]);
  const pages = Math.ceil((WORDS_OFFSET + GROUPS * 16 * 16) / PAGE);
  const sines = Array.from({ length: 64 }, (_, step) => Array.from({ length: 4 }, () => le32(sineConstant(step)))).flat(2);
  // Assembled by pushing bytes one by one: spreading the 24 KB of code into array literals took ~10 ms, once.
  const bytes = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  const section = (id: number, ...parts: number[][]) => {
    bytes.push(id, ...uleb(parts.reduce((length, part) => length + part.length, 0)));
    for (const part of parts) for (const byte of part) bytes.push(byte);
  };
  section(1, [1, 0x60, 1, 0x7f, 0]);
  section(3, [bodies.length, ...bodies.map(() => 0)]);
  section(5, [1, 0, ...uleb(pages)]);
  section(7, [1 + exports.length, ...name("memory"), 2, 0, ...exports.flat()]);
  section(10, [bodies.length], ...bodies.flatMap((body) => [uleb(body.length), body]));
  section(11, [1, 0, ...op.i32Const(SINE_OFFSET), ...op.end, ...uleb(sines.length)], sines);
  return Uint8Array.from(bytes);
}

/** The code of a function that compresses `blocks` blocks of the lanes of `groups` into their masked states. */
function runBody(groups: number[]): number[] {
  // Locals first: two i32, then the v128s.
  const body: number[] = [2, 2, 0x7f, ...uleb(GROUPS * 5 + 4), 0x7b];
  const emit = (...parts: (number | number[])[]) => {
    for (const part of parts) typeof part === "number" ? body.push(part) : body.push(...part);
  };
  const state = (group: number) => (STATE[group] as number[]).entries();
  for (const group of groups)
    for (const [index, local] of state(group))
      emit(op.i32Const(0), v128.load(STATE_OFFSET + (group * 4 + index) * 16), op.set(local));
  emit(op.block, op.loop);
  emit(op.get(J), op.get(0), op.i32GeU, op.brIf(1));
  // Each lane's 16 words, four at a time, transposed so that vector `word` of a group holds that word of its lanes.
  const low = [0, 1, 2, 3, 16, 17, 18, 19, 4, 5, 6, 7, 20, 21, 22, 23];
  const high = [8, 9, 10, 11, 24, 25, 26, 27, 12, 13, 14, 15, 28, 29, 30, 31];
  const lowHalves = [0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23];
  const highHalves = [8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31];
  const [T0, T1, T2, T3] = SWAP as [number, number, number, number];
  const words = (group: number) => WORDS_OFFSET + group * 16 * 16;
  for (const group of groups)
    for (let quarter = 0; quarter < 4; quarter++) {
      const laneAt = (lane: number) => LANE_OFFSET + (group * 4 + lane) * LANE_BYTES + quarter * 16;
      const pair = (first: number, second: number, lanes: number[], into: number) =>
        emit(op.get(P), v128.load(laneAt(first)), op.get(P), v128.load(laneAt(second)), v128.shuffle(lanes), op.set(into));
      pair(0, 1, low, T0);
      pair(0, 1, high, T1);
      pair(2, 3, low, T2);
      pair(2, 3, high, T3);
      const quarters: [number, number, number[]][] = [
        [T0, T2, lowHalves],
        [T0, T2, highHalves],
        [T1, T3, lowHalves],
        [T1, T3, highHalves],
      ];
      for (const [index, [first, second, halves]] of quarters.entries())
        emit(
          op.i32Const(0),
          op.get(first),
          op.get(second),
          v128.shuffle(halves),
          v128.store(words(group) + (quarter * 4 + index) * 16),
        );
    }
  // The block's starting state, added back at its end: one group keeps it in the transposition's (now free)
  // locals; several keep it in memory, the registers being for their steps.
  const alone = groups.length === 1;
  const saved = (group: number, index: number) => SAVE_OFFSET + (group * 4 + index) * 16;
  for (const group of groups)
    for (const [index, local] of state(group))
      emit(
        ...(alone
          ? [op.get(local), op.set(SWAP[index] as number)]
          : [op.i32Const(0), op.get(local), v128.store(saved(group, index))]),
      );
  const order = STATE.map((locals) => [...locals] as [number, number, number, number]);
  for (let step = 0; step < 64; step++) {
    const round = step >> 4;
    const word = [step, (5 * step + 1) % 16, (3 * step + 5) % 16, (7 * step) % 16][round] as number;
    const shift = SHIFTS[round * 4 + (step % 4)] as number;
    for (const group of groups) {
      const [a, b, c, d] = order[group] as [number, number, number, number];
      const t = T[group] as number;
      // a + M[word] + K[step] does not wait for b: summed first, it leaves the chain through b one add shorter.
      emit(op.get(a), op.i32Const(0), v128.load(words(group) + word * 16), v128.add);
      emit(op.i32Const(0), v128.load(SINE_OFFSET + step * 16), v128.add);
      // f(b, c, d): (b&c)|(~b&d); (b&d)+(c&~d), the half without b added first; (c^d)^b; c^(b|~d) — b enters last.
      if (round === 0) emit(op.get(c), op.get(d), op.get(b), v128.bitselect);
      else if (round === 1) emit(op.get(c), op.get(d), v128.andNot, v128.add, op.get(b), op.get(d), v128.and);
      else if (round === 2) emit(op.get(c), op.get(d), v128.xor, op.get(b), v128.xor);
      else emit(op.get(c), op.get(b), op.get(d), v128.not, v128.or, v128.xor);
      emit(v128.add);
      // A rotation by 16 swaps each word's halves: one shuffle instead of two shifts and an or.
      if (shift === 16) emit(op.tee(t), op.get(t), v128.shuffle([2, 3, 0, 1, 6, 7, 4, 5, 10, 11, 8, 9, 14, 15, 12, 13]));
      else emit(op.tee(t), op.i32Const(shift), v128.shl, op.get(t), op.i32Const(32 - shift), v128.shrU, v128.or);
      emit(op.get(b), v128.add, op.set(a));
      // Each chain is dependent steps; two chains keep the core busy only if their steps alternate in the machine
      // code. Stores are kept in order by the compiler (arithmetic is not), so a store of each new value does it.
      if (!alone) emit(op.i32Const(0), op.get(a), v128.store(PACE_OFFSET + group * 16));
      order[group] = [d, a, b, c];
    }
  }
  for (const group of groups)
    for (const [index, local] of state(group))
      emit(
        op.get(local),
        ...(alone ? [op.get(SWAP[index] as number)] : [op.i32Const(0), v128.load(saved(group, index))]),
        v128.add,
        op.set(local),
      );
  emit(op.get(P), op.i32Const(64), op.i32Add, op.set(P));
  emit(op.get(J), op.i32Const(1), op.i32Add, op.set(J), op.br(0), op.end, op.end);
  // Masked lanes take the new state; the others keep the one in memory.
  for (const group of groups)
    for (const [index, local] of state(group)) {
      const at = STATE_OFFSET + (group * 4 + index) * 16;
      emit(op.i32Const(0), op.get(local), op.i32Const(0), v128.load(at));
      emit(op.i32Const(0), v128.load(MASK_OFFSET + group * 16), v128.bitselect, v128.store(at));
    }
  emit(op.end);
  return body;
}

/** MD5's table: the integer part of 2^32 × |sin(step + 1)|. */
function sineConstant(step: number): number {
  return Math.floor(Math.abs(Math.sin(step + 1)) * 2 ** 32) >>> 0;
}

function name(text: string): number[] {
  return [...uleb(text.length), ...new TextEncoder().encode(text)];
}

function le32(value: number): number[] {
  return [value & 0xff, (value >>> 8) & 0xff, (value >>> 16) & 0xff, (value >>> 24) & 0xff];
}

function uleb(value: number): number[] {
  const bytes: number[] = [];
  let rest = value >>> 0;
  do {
    const byte = rest & 0x7f;
    rest >>>= 7;
    bytes.push(rest === 0 ? byte : byte | 0x80);
  } while (rest !== 0);
  return bytes;
}

function sleb(value: number): number[] {
  const bytes: number[] = [];
  let rest = value | 0;
  for (;;) {
    const byte = rest & 0x7f;
    rest >>= 7;
    const done = (rest === 0 && (byte & 0x40) === 0) || (rest === -1 && (byte & 0x40) !== 0);
    bytes.push(done ? byte : byte | 0x80);
    if (done) return bytes;
  }
}

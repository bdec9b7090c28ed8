import type { Md5LanesLayout } from "./md5-lanes.js";

/**
 * The bytes of a WebAssembly module that runs MD5 on four independent messages at once, one per 32-bit lane of a
 * 128-bit SIMD vector (WebAssembly SIMD, in Node since 16). MD5 is a chain of dependent steps, so one message
 * leaves most of a core idle; four parts in flight fill it. No library offers multi-buffer MD5 for JavaScript, and
 * a build step would need a compiler CI does not have, so the module is written out here, step by step.
 *
 * Memory layout (all offsets in bytes):
 * - `STATE_OFFSET`: four vectors A, B, C, D; lane k of each is message k's state.
 * - `MASK_OFFSET`: one vector; lanes set to all ones are updated by `run`, the others keep their state.
 * - `LANE_OFFSET + k * LANE_BYTES`: message k's next blocks.
 * - `SINE_OFFSET`: MD5's 64 constants, each repeated in four lanes (a data segment). A load costs one instruction
 *   where a `v128.const` costs three on x64.
 * - `WORDS_OFFSET`: the block being compressed, transposed (vector w holds word w of every lane). Kept in memory
 *   rather than in 16 locals, which x64's 16 vector registers cannot hold beside the state anyway.
 *
 * Export `run(blocks)` compresses `blocks` 64-byte blocks of every lane into the masked lanes' states.
 */
export const MD5_LANES = 4;
const STATE_OFFSET = 0;
const MASK_OFFSET = 64;
const LANE_OFFSET = 128;
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

const PAGE = 64 * 1024;
const SHIFTS = [7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21];

// Locals: 0 = blocks (the parameter); then i32 j, p0..p3; then v128 a, b, c, d, aa, bb, cc, dd, t.
const J = 1;
const P = [2, 3, 4, 5];
const [A, B, C, D, AA, BB, CC, DD, T] = [6, 7, 8, 9, 10, 11, 12, 13, 14];

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
  or: op.simd(0x50),
  xor: op.simd(0x51),
  bitselect: op.simd(0x52),
  shl: op.simd(0xab),
  shrU: op.simd(0xad),
  add: op.simd(0xae),
};

/** The module's bytes; `WebAssembly.validate` them before use (a runtime without SIMD refuses them). */
export function md5LanesModuleBytes(): Uint8Array {
  const body: number[] = [];
  const emit = (...parts: (number | number[])[]) => {
    for (const part of parts) typeof part === "number" ? body.push(part) : body.push(...part);
  };
  for (let lane = 0; lane < MD5_LANES; lane++) emit(op.i32Const(LANE_OFFSET + lane * LANE_BYTES), op.set(P[lane] as number));
  for (const [index, local] of [A, B, C, D].entries())
    emit(op.i32Const(0), v128.load(STATE_OFFSET + index * 16), op.set(local as number));
  emit(op.block, op.loop);
  emit(op.get(J), op.get(0), op.i32GeU, op.brIf(1));
  // Each lane's 16 words, four at a time, transposed so that vector `word` at WORDS_OFFSET holds that word of every lane.
  const low = [0, 1, 2, 3, 16, 17, 18, 19, 4, 5, 6, 7, 20, 21, 22, 23];
  const high = [8, 9, 10, 11, 24, 25, 26, 27, 12, 13, 14, 15, 28, 29, 30, 31];
  const lowHalves = [0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23];
  const highHalves = [8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31];
  const [T0, T1, T2, T3] = [AA, BB, CC, DD]; // free until the block starts
  for (let group = 0; group < 4; group++) {
    const pair = (first: number, second: number, lanes: number[], into: number) =>
      emit(
        op.get(P[first] as number),
        v128.load(group * 16),
        op.get(P[second] as number),
        v128.load(group * 16),
        v128.shuffle(lanes),
        op.set(into),
      );
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
        v128.store(WORDS_OFFSET + (group * 4 + index) * 16),
      );
  }
  for (const [from, to] of [
    [A, AA],
    [B, BB],
    [C, CC],
    [D, DD],
  ])
    emit(op.get(from as number), op.set(to as number));
  let [a, b, c, d] = [A, B, C, D] as [number, number, number, number];
  for (let step = 0; step < 64; step++) {
    const round = step >> 4;
    const word = [step, (5 * step + 1) % 16, (3 * step + 5) % 16, (7 * step) % 16][round] as number;
    const shift = SHIFTS[round * 4 + (step % 4)] as number;
    // a + M[word] + K[step] does not wait for b: summed first, it leaves the chain through b one add shorter.
    emit(op.get(a), op.i32Const(0), v128.load(WORDS_OFFSET + word * 16), v128.add);
    emit(op.i32Const(0), v128.load(SINE_OFFSET + step * 16), v128.add);
    // f(b, c, d): (b&c)|(~b&d); (d&b)|(~d&c); (c^d)^b; c^(b|~d) — b, the newest, enters last.
    if (round === 0) emit(op.get(c), op.get(d), op.get(b), v128.bitselect);
    else if (round === 1) emit(op.get(b), op.get(c), op.get(d), v128.bitselect);
    else if (round === 2) emit(op.get(c), op.get(d), v128.xor, op.get(b), v128.xor);
    else emit(op.get(c), op.get(b), op.get(d), v128.not, v128.or, v128.xor);
    emit(v128.add);
    emit(op.tee(T), op.i32Const(shift), v128.shl, op.get(T), op.i32Const(32 - shift), v128.shrU, v128.or);
    emit(op.get(b), v128.add, op.set(a));
    [a, b, c, d] = [d, a, b, c];
  }
  for (const [from, to] of [
    [AA, A],
    [BB, B],
    [CC, C],
    [DD, D],
  ])
    emit(op.get(to as number), op.get(from as number), v128.add, op.set(to as number));
  for (const lane of P) emit(op.get(lane), op.i32Const(64), op.i32Add, op.set(lane));
  emit(op.get(J), op.i32Const(1), op.i32Add, op.set(J), op.br(0), op.end, op.end);
  // Masked lanes take the new state; the others keep the one in memory.
  for (const [index, local] of [A, B, C, D].entries()) {
    emit(op.i32Const(0), op.get(local as number), op.i32Const(0), v128.load(STATE_OFFSET + index * 16));
    emit(op.i32Const(0), v128.load(MASK_OFFSET), v128.bitselect, v128.store(STATE_OFFSET + index * 16));
  }
  emit(op.end);

  const locals = [2, ...uleb(1 + P.length), 0x7f, ...uleb(9), 0x7b];
  const code = [...locals, ...body];
  const pages = Math.ceil((WORDS_OFFSET + 16 * 16) / PAGE);
  const sines = Array.from({ length: 64 }, (_, step) => Array.from({ length: 4 }, () => le32(sineConstant(step)))).flat(2);
  return Uint8Array.from([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, [1, 0x60, 1, 0x7f, 0]),
    ...section(3, [1, 0]),
    ...section(5, [1, 0, ...uleb(pages)]),
    ...section(7, [2, ...name("memory"), 2, 0, ...name("run"), 0, 0]),
    ...section(10, [1, ...uleb(code.length), ...code]),
    ...section(11, [1, 0, ...op.i32Const(SINE_OFFSET), ...op.end, ...uleb(sines.length), ...sines]),
  ]);
}

/** MD5's table: the integer part of 2^32 × |sin(step + 1)|. */
function sineConstant(step: number): number {
  return Math.floor(Math.abs(Math.sin(step + 1)) * 2 ** 32) >>> 0;
}

function section(id: number, content: number[]): number[] {
  return [id, ...uleb(content.length), ...content];
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

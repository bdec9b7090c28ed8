/** Where `md5LanesModuleBytes`' module keeps what (see md5-lanes-wasm.ts). */
export interface Md5LanesLayout {
  lanes: number;
  stateOffset: number;
  maskOffset: number;
  laneOffset: number;
  laneBytes: number;
}

interface Queued {
  bytes: Uint8Array;
  offset: number;
  done: (() => void) | undefined;
}

interface Lane {
  id: number;
  queue: Queued[];
  carry: Uint8Array;
  length: number;
}

/**
 * Up to `layout.lanes` MD5s computed together by the multi-lane module: each message opened takes a lane, its bytes
 * queue there, and `pump` compresses every lane that has whole blocks in the same calls. A lane with nothing queued
 * keeps its state (the module's mask), so one slow message never holds the others back.
 *
 * This class runs inside the hashing workers, where it arrives as source text (`Md5Lanes.toString()`): it may use
 * nothing from outside itself but globals, and defines no class fields (see below).
 */
export class Md5Lanes {
  // Declared, not defined: a bundler targeting a runtime without class fields rewrites field definitions into calls
  // of a helper of its own (esbuild's `__publicField`), which the workers' copy of this class would not have.
  declare private readonly layout: Md5LanesLayout;
  declare private readonly run: (blocks: number) => void;
  /** One group's lanes alone (`run0`, `run1`, …), where the module has more than one. */
  declare private readonly runGroup: ((blocks: number) => void)[];
  declare private readonly memory: Uint8Array;
  declare private readonly words: Uint32Array;
  declare private readonly lanes: (Lane | undefined)[];
  declare private queued: number;

  /** `module`: a compiled `md5LanesModuleBytes()`. */
  constructor(module: object, layout: Md5LanesLayout) {
    this.layout = layout;
    this.queued = 0;
    type Exports = { run: (blocks: number) => void; memory: { buffer: ArrayBuffer } } & Record<string, unknown>;
    const runtime = (
      globalThis as unknown as { WebAssembly: { Instance: new (module: object, imports: object) => { exports: Exports } } }
    ).WebAssembly;
    const { exports } = new runtime.Instance(module, {});
    this.run = exports.run;
    this.runGroup = Array.from({ length: Math.ceil(layout.lanes / 4) }, (_, group) => {
      const alone = exports[`run${group}`];
      return typeof alone === "function" ? (alone as (blocks: number) => void) : exports.run;
    });
    this.memory = new Uint8Array(exports.memory.buffer);
    this.words = new Uint32Array(exports.memory.buffer);
    this.lanes = new Array(layout.lanes).fill(undefined);
  }

  /**
   * Hashes `probe` in every lane at once and compares each with `md5` (node:crypto's): false, or a throw, means
   * this runtime — or a build step that rewrote this class — cannot be trusted with lanes. Leaves every lane free.
   */
  selfCheck(probe: Uint8Array, md5: string): boolean {
    const ids = this.lanes.map((_, index) => -1 - index);
    for (const id of ids) this.open(id);
    for (const id of ids) this.add(id, probe);
    this.pump();
    return ids.map((id) => this.digest(id)).every((digest) => digest === md5);
  }

  /** Gives message `id` a lane; false when all lanes are taken (hash it another way). */
  open(id: number): boolean {
    const index = this.lanes.indexOf(undefined);
    if (index < 0) return false;
    this.lanes[index] = { id, queue: [], carry: new Uint8Array(0), length: 0 };
    const initial = [0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476];
    for (let word = 0; word < 4; word++) this.words[this.stateWord(word, index)] = initial[word] as number;
    return true;
  }

  /** Whether every lane is taken. */
  full(): boolean {
    return !this.lanes.includes(undefined);
  }

  has(id: number): boolean {
    return this.lanes.some((lane) => lane?.id === id);
  }

  /** Bytes of message `id` queued and not yet compressed. */
  waiting(id: number): number {
    let bytes = 0;
    for (const queued of this.lane(id).queue) bytes += queued.bytes.length - queued.offset;
    return bytes;
  }

  /** Queues `bytes` for message `id`; `done` is called once they are hashed and may be reused. */
  add(id: number, bytes: Uint8Array, done?: () => void): void {
    const lane = this.lane(id);
    lane.length += bytes.length;
    let rest = bytes;
    if (lane.carry.length > 0) {
      const take = Math.min(64 - lane.carry.length, rest.length);
      const joined = new Uint8Array(lane.carry.length + take);
      joined.set(lane.carry);
      joined.set(rest.subarray(0, take), lane.carry.length);
      rest = rest.subarray(take);
      if (joined.length < 64) lane.carry = joined;
      else {
        lane.carry = new Uint8Array(0);
        lane.queue.push({ bytes: joined, offset: 0, done: undefined });
        this.queued += 64;
      }
    }
    const whole = rest.length - (rest.length % 64);
    if (whole < rest.length) lane.carry = rest.slice(whole);
    if (whole > 0) {
      lane.queue.push({ bytes: rest.subarray(0, whole), offset: 0, done });
      this.queued += whole;
    } else done?.();
  }

  /**
   * Compresses queued blocks while every open lane has some (each call then does every message's work), and, past
   * that, while more than `holdBytes` are queued (so a lane that is waiting does not hold the others' bytes).
   */
  pump(holdBytes = 0): void {
    for (;;) {
      const open = this.lanes.filter((lane) => lane !== undefined);
      const ready = open.filter((lane) => lane.queue.length > 0);
      if (ready.length === 0 || (ready.length < open.length && this.queued <= holdBytes)) return;
      this.compress();
    }
  }

  /** One call of the module: the most blocks every lane with bytes can give. */
  private compress(): void {
    const { laneOffset, laneBytes, maskOffset } = this.layout;
    let blocks = laneBytes / 64;
    for (const lane of this.lanes) {
      const head = lane?.queue[0];
      if (head) blocks = Math.min(blocks, (head.bytes.length - head.offset) / 64);
    }
    const groups = new Set<number>();
    for (const [index, lane] of this.lanes.entries()) {
      const head = lane?.queue[0];
      this.words[maskOffset / 4 + index] = head ? 0xffffffff : 0;
      if (!head) continue;
      this.memory.set(head.bytes.subarray(head.offset, head.offset + blocks * 64), laneOffset + index * laneBytes);
      groups.add(index >> 2);
    }
    const [only] = groups;
    (groups.size === 1 ? (this.runGroup[only as number] as (blocks: number) => void) : this.run)(blocks);
    for (const lane of this.lanes) {
      const head = lane?.queue[0];
      if (!lane || !head) continue;
      head.offset += blocks * 64;
      this.queued -= blocks * 64;
      if (head.offset === head.bytes.length) {
        lane.queue.shift();
        head.done?.();
      }
    }
  }

  /** Hashes what is left of message `id`, frees its lane and returns its hex MD5. */
  digest(id: number): string {
    const lane = this.lane(id);
    while (lane.queue.length > 0) this.compress();
    const index = this.lanes.indexOf(lane);
    const tail = lane.carry.length;
    const padded = new Uint8Array(tail < 56 ? 64 : 128);
    padded.set(lane.carry);
    padded[tail] = 0x80;
    const bits = lane.length * 8;
    const view = new DataView(padded.buffer);
    view.setUint32(padded.length - 8, bits >>> 0, true);
    view.setUint32(padded.length - 4, Math.floor(bits / 0x100000000), true);
    const { laneOffset, laneBytes, maskOffset } = this.layout;
    for (let other = 0; other < this.lanes.length; other++) this.words[maskOffset / 4 + other] = other === index ? 0xffffffff : 0;
    this.memory.set(padded, laneOffset + index * laneBytes);
    (this.runGroup[index >> 2] as (blocks: number) => void)(padded.length / 64);
    // Each state word's bytes, low byte first, in hex (written here: this class may use nothing from outside).
    let digest = "";
    for (let word = 0; word < 4; word++) {
      const value = this.words[this.stateWord(word, index)] as number;
      for (let shift = 0; shift < 32; shift += 8) digest += ((value >>> shift) & 0xff).toString(16).padStart(2, "0");
    }
    this.lanes[index] = undefined;
    return digest;
  }

  /** Drops message `id` without a digest; what it had queued is given back (`done`) unhashed. */
  discard(id: number): void {
    const index = this.lanes.findIndex((lane) => lane?.id === id);
    const lane = this.lanes[index];
    if (!lane) return;
    this.lanes[index] = undefined;
    for (const queued of lane.queue) {
      this.queued -= queued.bytes.length - queued.offset;
      queued.done?.();
    }
  }

  /** Where word `word` (A, B, C, D) of lane `index`'s state is: lane index % 4 of its group's vector. */
  private stateWord(word: number, index: number): number {
    return this.layout.stateOffset / 4 + ((index >> 2) * 4 + word) * 4 + (index & 3);
  }

  private lane(id: number): Lane {
    const lane = this.lanes.find((candidate) => candidate?.id === id);
    if (!lane) throw new Error(`no MD5 lane is open for message ${id}`);
    return lane;
  }
}

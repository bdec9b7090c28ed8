// Every function @uploadkit/multipart exports, called as a JavaScript caller can call it: with nothing, null, a
// number, a string, an array or an object of the wrong shape. Each answer is an InputError naming what to change —
// never a TypeError from inside — and uploadParts reads no byte and asks no URL for a plan that is no plan.
import { afterEach, describe, expect, it } from "vitest";
import * as multipart from "../src/index.js";
import { randomFile, sha256 } from "./support/files.js";
import { dir, KiB, plan, server, upload } from "./support/upload-parts-harness.js";

const { InputError, openSource, uploadParts } = multipart;
const ODD_VALUES = [undefined, null, 5, Number.NaN, "x", [], { foo: 1 }] as const;

/** What a call gave: its value, or what it threw or rejected with. */
async function settle(call: () => unknown): Promise<{ value?: unknown; error?: unknown }> {
  try {
    return { value: await call() };
  } catch (error) {
    return { error };
  }
}

/** Each odd argument to `call` is an InputError (or, where listed, taken). */
async function expectTypedRefusals(name: string, call: (value: unknown) => unknown, accepted: readonly unknown[] = []) {
  for (const value of ODD_VALUES) {
    if (accepted.includes(value)) continue;
    const { error } = await settle(() => call(value));
    expect(error, `${name}(${String(JSON.stringify(value))})`).toBeInstanceOf(InputError);
    expect((error as Error).message, name).not.toMatch(/Cannot read properties|is not a function|undefined \(reading/);
  }
}

describe("the exported helpers refuse what they cannot use, with an InputError", () => {
  it("planParts, formatBytes, unwrap, memoryRouteStore, AdaptiveRateLimiter", async () => {
    await expectTypedRefusals("planParts(10, rules)", (rules) => multipart.planParts(10, rules as never));
    await expectTypedRefusals("planParts(size)", (size) => multipart.planParts(size as never, multipart.S3_PART_RULES), [5]);
    await expectTypedRefusals("formatBytes", (bytes) => multipart.formatBytes(bytes as never), [5]);
    await expectTypedRefusals("unwrap", (result) => multipart.unwrap(Promise.resolve(result) as never));
    await expectTypedRefusals("unwrapWithResponse", (result) => multipart.unwrapWithResponse(result as never));
    await expectTypedRefusals("memoryRouteStore", (options) => multipart.memoryRouteStore(options as never), [undefined]);
    await expectTypedRefusals("AdaptiveRateLimiter", (options) => new multipart.AdaptiveRateLimiter(options as never), [
      undefined,
    ]);
    expect(() => multipart.memoryRouteStore({ maxEntrys: 10 } as never)).toThrow(
      /unknown option maxEntrys; the options are maxEntries/,
    );
    expect(() => multipart.memoryRouteStore({ maxEntries: 0 })).toThrow(/^maxEntries must be a whole number ≥ 1, got 0\.$/);
    expect(multipart.formatBytes(1536)).toBe("1.5 KiB (1,536 bytes)");
  });

  it("createUploadRoute, toNodeHandler, fileJournal, fileCheckpointStore, uploadThroughServer", async () => {
    await expectTypedRefusals("createUploadRoute", (client) => multipart.createUploadRoute(client as never));
    await expectTypedRefusals("toNodeHandler", (handler) => multipart.toNodeHandler(handler as never));
    await expectTypedRefusals("fileJournal", (path) => multipart.fileJournal(path as never), ["x"]);
    await expectTypedRefusals("fileCheckpointStore", (path) => multipart.fileCheckpointStore(path as never), ["x"]);
    await expectTypedRefusals("uploadThroughServer", (options) =>
      multipart.uploadThroughServer(new Uint8Array(1), options as never),
    );
    const source = await openSource(new Uint8Array(4));
    await expectTypedRefusals(
      "ResumableSession.open",
      (option) => multipart.ResumableSession.open(option as never, "test", source),
      [undefined, "x"],
    );
    const { error } = await settle(() => multipart.fileJournal(""));
    expect(error).toMatchObject({
      code: "INPUT_INVALID",
      message: "fileJournal's path must be a non-empty string, got an empty string.",
    });
  });

  it("openSource's options: no object, a misspelt name, a name or type of the wrong kind or empty", async () => {
    const bytes = new Uint8Array(4);
    await expectTypedRefusals("openSource(bytes, options)", (options) => openSource(bytes, options as never), [undefined]);
    for (const [options, code, said] of [
      [
        { contentTyp: "video/mp4" },
        "INPUT_UNKNOWN_OPTION",
        /^openSource's options: unknown option contentTyp; the options are filename, contentType, rejectEmpty\.$/,
      ],
      [{ filename: 5 }, "INPUT_FILENAME", /^filename must not be empty: give a non-empty string, got 5\.$/],
      [{ filename: " " }, "INPUT_FILENAME", /^filename must not be empty/],
      [{ contentType: "" }, "INPUT_CONTENT_TYPE", /^contentType must not be empty/],
      [{ contentType: "video" }, "INPUT_CONTENT_TYPE", /^contentType must be a MIME type such as video\/mp4/],
      [{ rejectEmpty: "yes" }, "INPUT_INVALID", /^rejectEmpty must be true or false, got a string\.$/],
    ] as const) {
      const { error } = await settle(() => openSource(bytes, options as never));
      expect(error, JSON.stringify(options)).toBeInstanceOf(InputError);
      expect(error, JSON.stringify(options)).toMatchObject({ code, message: expect.stringMatching(said) });
    }
    const named = await openSource(bytes, { filename: "clip.mp4", contentType: "video/mp4", rejectEmpty: false });
    expect(named).toMatchObject({ filename: "clip.mp4", contentType: "video/mp4", size: 4 });
  });

  it("never quotes a string it refuses (it may be a secret)", async () => {
    const secret = "sk_live_do-not-print-me";
    for (const call of [
      () => multipart.planParts(secret as never, multipart.S3_PART_RULES),
      () => multipart.memoryRouteStore({ maxEntries: secret as never }),
      () => new multipart.AdaptiveRateLimiter({ maxCallsPerSecond: secret as never }),
      () => multipart.unwrap(Promise.resolve(secret) as never),
    ]) {
      const { error } = await settle(call);
      expect(error).toBeInstanceOf(InputError);
      expect((error as Error).message).not.toContain(secret);
    }
  });
});

describe("uploadParts: options that are no plan of the source are refused before any byte is read", () => {
  afterEach(() => server?.close());

  it("refuses gaps, overlaps, disorder, ranges past the end and foreign shapes, reading nothing and asking no URL", async () => {
    const { path } = randomFile(dir, "plan.bin", 100 * KiB);
    const source = await openSource(path);
    let read = 0;
    const partBody = source.partBody.bind(source);
    source.partBody = (part) => {
      read++;
      return partBody(part);
    };
    let asked = 0;
    const target = () => {
      asked++;
      return { url: "http://127.0.0.1:9/never" };
    };
    const whole = plan(100 * KiB, 40 * KiB); // 40 + 40 + 20 KiB
    const [one, two, three] = whole as [multipart.Part, multipart.Part, multipart.Part];
    for (const [parts, named] of [
      [[one, three], /part 3 starts at byte 81920, where the part before ended at 40960/],
      [[one, { ...two, start: two.start - 1, size: two.size + 1 }, three], /part 2 starts at byte 40959/],
      [[two, one, three], /part 1 comes after part 2; parts must be in ascending order/],
      [[one, two], /the parts end at byte 81920, the source at 102400/],
      [[one, two, { ...three, end: three.end + 1, size: three.size + 1 }], /the parts end at byte 102401, the source at 102400/],
      [[one, two, { ...three, size: 1 }], /is no part/],
      [[], /parts must be a plan of the whole source/],
      ["1-3", /parts must be a plan of the whole source .*, got a string/],
    ] as const) {
      const { error } = await settle(() => uploadParts({ source, parts: parts as never, target }));
      expect(error, JSON.stringify(parts)).toMatchObject({ code: "INPUT_UPLOAD_PARTS", message: expect.stringMatching(named) });
    }
    for (const [options, named] of [
      [undefined, /uploadParts needs its options/],
      [{ source: path, parts: whole, target }, /source must be an opened source/],
      [{ source, parts: whole, target: "http://127.0.0.1:9/" }, /target must be a function/],
      [{ source, parts: whole, target, concurency: 2 }, /unknown option concurency/],
      [{ source, parts: whole, target, onProgress: 5 }, /onProgress must be a function, got 5/],
      [{ source, parts: whole, target, completed: { partNumber: 1 } }, /completed must be a list/],
    ] as const) {
      const { error } = await settle(() => uploadParts(options as never));
      expect(error, JSON.stringify(options)).toMatchObject({ code: "INPUT_UPLOAD_PARTS", message: expect.stringMatching(named) });
    }
    expect({ read, asked }).toEqual({ read: 0, asked: 0 });
  });

  it("still uploads a whole plan, and an empty source as its one empty part", async () => {
    const { path, bytes } = randomFile(dir, "whole.bin", 100 * KiB);
    const parts = plan(100 * KiB, 40 * KiB);
    await upload(await openSource(path), parts);
    expect(server.objectSha256(parts.length)).toBe(sha256(bytes));
    await server.close();
    const empty = await openSource(new Uint8Array(0));
    const emptyPlan = plan(0, 40 * KiB);
    expect(emptyPlan).toEqual([{ partNumber: 1, start: 0, end: 0, size: 0 }]);
    await upload(empty, emptyPlan);
    expect(server.objectSha256(1)).toBe(sha256(new Uint8Array(0)));
  });
});

import { describe, expect, it } from "vitest";
import { checkSniffed, storedMismatch } from "../src/core/route/route-declarations.js";

const PNG = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
const JPEG = Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46, 0x49, 0x46]);
const MP4 = new TextEncoder().encode("\0\0\0\x1cftypmp42\0\0\0\0mp42isom");
const ELF = Uint8Array.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
const PE = new TextEncoder().encode("MZ\x90\0\x03\0\0\0\x04\0\0\0\xff\xff\0\0");
const TEXT = new TextEncoder().encode("plain words, no signature at all");
const file = (contentType: string, size = 100) => ({ filename: "f", size, contentType });

describe("an upload route's checks of what was sent and stored", () => {
  it.each([
    ["image/png", PNG, undefined],
    ["image/png", JPEG, undefined], // an image for an image: the route's contentTypes decide
    ["video/mp4", MP4, ["video/*"]],
    ["text/plain", TEXT, undefined],
  ] as const)("takes %s bytes that show what was declared", async (declared, head, allowed) => {
    await expect(checkSniffed(head, file(declared), allowed)).resolves.toBeUndefined();
  });

  it.each([
    ["image/png", ELF, undefined],
    ["image/png", PE, undefined],
    ["image/png", TEXT, undefined],
    ["video/mp4", PNG, undefined],
    ["image/png", JPEG, ["image/png"]],
    ["image/png", new Uint8Array(0), undefined],
  ] as const)(
    "refuses bytes declared %s that are something else (415 ROUTE_CONTENT_MISMATCH)",
    async (declared, head, allowed) => {
      await expect(checkSniffed(head, file(declared), allowed)).rejects.toMatchObject({
        status: 415,
        code: "ROUTE_CONTENT_MISMATCH",
      });
    },
  );

  it("compares what the provider stored with the declaration: size, kind, the route's types", () => {
    expect(storedMismatch({ size: 100 }, file("video/mp4"), undefined)).toBeUndefined();
    expect(storedMismatch({ size: 3 * 1024 * 1024 }, file("video/mp4", 1024 * 1024), undefined)).toMatch(/stored 3145728 bytes/);
    expect(storedMismatch({ contentType: "image/png" }, file("image/png"), ["image/*"])).toBeUndefined();
    expect(storedMismatch({ contentType: "application/x-elf" }, file("image/png"), undefined)).toMatch(
      /stored application\/x-elf/,
    );
    expect(storedMismatch({ contentType: "image/gif" }, file("image/png"), ["image/png"])).toMatch(/takes image\/png/);
    expect(storedMismatch({}, file("image/png"), ["image/png"])).toBeUndefined();
  });
});

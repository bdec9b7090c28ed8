import { InputError } from "../errors.js";
import type { UploadSource } from "../sources/upload-source.js";
import type { RouteFile } from "./protocol.js";

/**
 * The file a browser declared to an upload route: its name, size and type, and no bytes (they go to the store, or
 * come in later requests). What a provider's checks, plan and create call need.
 */
export function declaredSource(file: RouteFile): UploadSource {
  const noBytes = (): never => {
    throw new InputError("An upload route holds no bytes of the file; they come with each relayed request.", {
      code: "ROUTE_NO_BYTES",
    });
  };
  return {
    kind: "stream",
    size: file.size,
    filename: file.filename,
    contentType: file.contentType,
    description: `file "${file.filename}" (${file.size} bytes, declared by the browser)`,
    partBody: async () => noBytes(),
    stream: noBytes,
    fingerprint: async () => ({ kind: "stream", size: file.size }),
    assertUnchanged: async () => {},
  };
}

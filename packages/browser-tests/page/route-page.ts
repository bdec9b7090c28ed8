// A page that holds no credential: it uploads through the upload routes of the server that serves it.
import { type UploadThroughServerOptions, uploadThroughServer } from "@uploadkit/multipart";

type Outcome =
  | { ok: true; id: string; provider: string; size: number; contentType: string }
  | { ok: false; name: string; code?: string; status?: number; message: string };

async function upload(
  provider: string,
  input: Blob,
  options: Omit<UploadThroughServerOptions, "endpoint"> & { abortAfterParts?: number; user?: string } = {},
): Promise<Outcome> {
  const { abortAfterParts, user, ...rest } = options;
  const controller = new AbortController();
  try {
    const result = await uploadThroughServer(input, {
      ...rest,
      endpoint: `/api/uploads/${provider}`,
      headers: user ? { "x-user": user } : {},
      signal: controller.signal,
      onProgress: ({ partsDone }) => {
        if (abortAfterParts !== undefined && partsDone >= abortAfterParts) controller.abort();
      },
    });
    return { ok: true, ...result };
  } catch (error) {
    const { name, code, status, message } = error as { name: string; code?: string; status?: number; message: string };
    return { ok: false, name, code, status, message };
  }
}

Object.assign(globalThis, { routePage: { upload } });
document.body.dataset.ready = "true";

// A workerd (Cloudflare Workers) module: uploads the file its request names through @uploadkit/record360 — Web APIs
// only, no Node compatibility flag.
import { createRecord360Client } from "@uploadkit/record360";

interface UploadRequest {
  baseUrl: string;
  token: string;
  fileUrl: string;
  partSize: number;
}

export default {
  async fetch(request: Request): Promise<Response> {
    const { baseUrl, token, fileUrl, partSize } = (await request.json()) as UploadRequest;
    const file = await (await fetch(fileUrl)).blob();
    const events: { loaded: number; total: number; partsDone: number; partsTotal: number }[] = [];
    try {
      const result = await createRecord360Client({ baseUrl, token }).uploadMedia(file, {
        filename: "edge.mp4",
        partSize,
        onProgress: (progress) => void events.push({ ...progress }),
      });
      return Response.json({ ok: true, id: result.id, size: result.size, provider: result.provider, events });
    } catch (error) {
      const { name, code, message } = error as { name: string; code?: string; message: string };
      return Response.json({ ok: false, name, code, message, events });
    }
  },
};

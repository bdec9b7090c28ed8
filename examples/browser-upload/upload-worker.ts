// A module Web Worker that uploads the File it is sent: the same clients, off the page's thread.
import { clientFor, type PageConfig, type Provider } from "./clients.js";

self.onmessage = async ({
  data,
}: MessageEvent<{ provider: Provider; file: File; options: { filename?: string }; config: PageConfig }>) => {
  const { provider, file, options, config } = data;
  const onProgress = (progress: unknown) => self.postMessage({ progress });
  try {
    const client = clientFor(provider, config, () => config[provider].token);
    const result = await client.uploadMedia(file, { ...options, onProgress });
    self.postMessage({
      outcome: { ok: true, id: result.id, size: result.size, contentType: result.contentType, provider: result.provider },
    });
  } catch (error) {
    const { name, code, message } = error as { name: string; code?: string; message: string };
    self.postMessage({ outcome: { ok: false, name, code, message } });
  }
};

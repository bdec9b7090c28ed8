// The page: pick or drop a file, upload it to the provider chosen, watch the parts go. The tokens come from
// config.json, which the page's server writes (here the sandbox's; in an app, the signed-in user's own token).
import { createFanvueClient } from "@uploadkit/fanvue";
import { createFlowkiwiClient } from "@uploadkit/flowkiwi";
import { createOfauthClient } from "@uploadkit/ofauth";
import { createRecord360Client, type UploadProgress } from "@uploadkit/record360";

export type Provider = "fanvue" | "record360" | "flowkiwi";

export interface PageConfig {
  fanvue: { baseUrl: string; token: string };
  record360: { baseUrl: string; token: string };
  flowkiwi: { baseUrl: string; token: string; organizationId: string };
}

/** What an upload gives back to the caller (and to the browser suite): the result, or the error's name, code and message. */
export type Outcome =
  | { ok: true; id: string; size: number; contentType: string; provider: string }
  | { ok: false; name: string; code?: string | undefined; message: string };

export interface UploadOptions {
  onProgress?: (progress: UploadProgress) => void;
  signal?: AbortSignal;
  checkpoint?: string;
  filename?: string;
  contentType?: string;
  concurrency?: number;
  partSize?: number;
}

const config: PageConfig = await (await fetch("config.json")).json();

/** Uploads `file` with the client for `provider`. */
export async function upload(provider: Provider, file: Blob, options: UploadOptions = {}): Promise<Outcome> {
  try {
    const result = await clientFor(provider).uploadMedia(file, options);
    return { ok: true, id: result.id, size: result.size, contentType: result.contentType, provider: result.provider };
  } catch (error) {
    const { name, code, message } = error as { name: string; code?: string; message: string };
    return { ok: false, name, code, message };
  }
}

function clientFor(provider: Provider) {
  switch (provider) {
    case "fanvue":
      return createFanvueClient(config.fanvue);
    case "record360":
      return createRecord360Client(config.record360);
    case "flowkiwi":
      return createFlowkiwiClient(config.flowkiwi);
  }
}

/** The same upload, run by a module Web Worker. */
export function uploadInWorker(provider: Provider, file: Blob, options: Pick<UploadOptions, "filename"> = {}) {
  const worker = new Worker(new URL("upload-worker.js", import.meta.url), { type: "module" });
  const events: UploadProgress[] = [];
  return new Promise<{ outcome: Outcome; events: UploadProgress[] }>((resolve) => {
    worker.onmessage = ({ data }) => {
      if (data.progress) events.push(data.progress);
      if (data.outcome) {
        worker.terminate();
        resolve({ outcome: data.outcome, events });
      }
    };
    worker.postMessage({ provider, file, options, config });
  });
}

/** Whether `createOfauthClient` accepts this page (it holds an account secret): the error it gives, if any. */
export function ofauthInThisPage(dangerouslyAllowBrowser: boolean): Outcome | "created" {
  try {
    createOfauthClient({ apiKey: "ofauth-key-for-this-check", connectionId: "conn", dangerouslyAllowBrowser });
    return "created";
  } catch (error) {
    const { name, code, message } = error as { name: string; code?: string; message: string };
    return { ok: false, name, code, message };
  }
}

// The page itself.
const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const show = (text: string) => {
  $("status").textContent = text;
};

async function start(file: File): Promise<void> {
  const provider = $<HTMLSelectElement>("provider").value as Provider;
  const parts = $("parts");
  parts.replaceChildren();
  show(`Uploading ${file.name} (${(file.size / 2 ** 20).toFixed(1)} MiB) to ${provider}…`);
  const outcome = await upload(provider, file, {
    onProgress: ({ loaded, total, partsDone, partsTotal }) => {
      $<HTMLProgressElement>("progress").value = total === 0 ? 1 : loaded / total;
      $("percent").textContent = `${total === 0 ? 100 : Math.floor((100 * loaded) / total)} %`;
      while (parts.children.length < partsTotal) {
        const box = document.createElement("span");
        box.textContent = String(parts.children.length + 1);
        parts.append(box);
      }
      for (const [index, box] of [...parts.children].entries()) box.classList.toggle("done", index < partsDone);
    },
  });
  show(outcome.ok ? `Uploaded to ${outcome.provider}.\nid: ${outcome.id}\ntype: ${outcome.contentType}` : `${outcome.name}: ${outcome.message}`);
}

const input = $<HTMLInputElement>("file");
input.addEventListener("change", () => {
  const file = input.files?.[0];
  if (file) void start(file);
});
const drop = $("drop");
drop.addEventListener("dragover", (event) => {
  event.preventDefault();
  drop.classList.add("over");
});
drop.addEventListener("dragleave", () => drop.classList.remove("over"));
drop.addEventListener("drop", (event) => {
  event.preventDefault();
  drop.classList.remove("over");
  const file = event.dataTransfer?.files[0];
  if (file) void start(file);
});

Object.assign(globalThis, { example: { upload, uploadInWorker, ofauthInThisPage } });
document.body.dataset.ready = "true";

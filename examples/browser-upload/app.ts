// The page: pick or drop a file, upload it to the provider chosen, watch the parts go. The tokens come from
// config.json, which the page's server writes (here the sandbox's; in an app, the signed-in user's own token).
import { fanvueOAuthToken } from "@uploadkit/fanvue";
import { createOfauthClient } from "@uploadkit/ofauth";
import {
  createUploadRoute,
  memoryJournal,
  type SourceInput,
  type UploadJournal,
  type UploadProgress,
} from "@uploadkit/record360";
import { type CommonClientOptions, clientFor as clientOnConfig, type PageConfig, type Provider } from "./clients.js";

export type { PageConfig, Provider } from "./clients.js";

/** What an upload gives back to the caller (and to the browser suite): the result, or the error's name, code and message. */
export type Outcome =
  | { ok: true; id: string; size: number; contentType: string; provider: string }
  | { ok: false; name: string; code?: string | undefined; message: string };

/** Client settings a caller may add (the browser suite collects log lines this way). */
export interface ClientSettings {
  /** Collects every log line (at debug) instead of the console. */
  logLines?: string[];
  /** A part with no byte moving this long is aborted and sent again (default 30 s). */
  stallTimeoutMs?: number;
}

export interface UploadOptions extends ClientSettings {
  onProgress?: (progress: UploadProgress) => void;
  signal?: AbortSignal;
  checkpoint?: string;
  filename?: string;
  contentType?: string;
  concurrency?: number;
  partSize?: number;
}

let config: PageConfig = await loadConfig();

async function loadConfig(): Promise<PageConfig> {
  return (await fetch("config.json", { cache: "no-store" })).json();
}

/**
 * The user's token, as the page's server gives it: asked again after the API refused it with 401 (it expired or was
 * rotated), which the clients do by themselves when the token is a function.
 */
async function tokenOf(provider: Provider, forceRefresh: boolean): Promise<string> {
  if (forceRefresh) config = await loadConfig();
  return config[provider].token;
}

/** Uploads `file` (a File or Blob; bytes or a stream of known size do too) with the client for `provider`. */
export async function upload(provider: Provider, file: SourceInput, options: UploadOptions = {}): Promise<Outcome> {
  const { logLines, stallTimeoutMs, ...uploadOptions } = options;
  try {
    const result = await clientFor(provider, { logLines, stallTimeoutMs }).uploadMedia(file, uploadOptions);
    return { ok: true, id: result.id, size: result.size, contentType: result.contentType, provider: result.provider };
  } catch (error) {
    return failed(error);
  }
}

/** Uploads several files at once; every file's outcome, in order. */
export async function uploadMany(provider: Provider, files: Blob[], settings: ClientSettings = {}): Promise<Outcome[]> {
  const outcomes = await clientFor(provider, settings).uploadMany(files.map((input) => ({ input })));
  return outcomes.map((outcome) =>
    outcome.ok
      ? {
          ok: true,
          id: outcome.result.id,
          size: outcome.result.size,
          contentType: outcome.result.contentType,
          provider: outcome.result.provider,
        }
      : failed(outcome.error),
  );
}

/** One journal per provider for the page's session (a store of your own: a page has no file to keep one in). */
const journals = new Map<Provider, UploadJournal>();

/**
 * Uploads `files` one outcome at a time (`uploadEach`), each File at most once for this page: with the same journal,
 * Files already uploaded (same name, size, lastModified, bytes) come back `journal: "done"` with no call made.
 */
export async function uploadEachOnce(
  provider: Provider,
  files: File[],
): Promise<(Outcome & { index: number; journal?: string })[]> {
  const journal = journals.get(provider) ?? memoryJournal();
  journals.set(provider, journal);
  const results: (Outcome & { index: number; journal?: string })[] = [];
  for await (const outcome of clientFor(provider).uploadEach(files, { journal })) {
    results.push(
      outcome.ok
        ? {
            ok: true,
            index: outcome.index,
            journal: outcome.journal,
            id: outcome.result.id,
            size: outcome.result.size,
            contentType: outcome.result.contentType,
            provider: outcome.result.provider,
          }
        : { ...failed(outcome.error), index: outcome.index },
    );
  }
  return results.sort((a, b) => a.index - b.index);
}

/** An upload route in a page: a browser build has none (it would hold the credential). */
export function routeInThisPage(): Outcome | "created" {
  try {
    createUploadRoute(clientFor("record360"), { secret: "a page never holds this secret, nor a provider's" });
    return "created";
  } catch (error) {
    return failed(error);
  }
}

function failed(error: unknown): Outcome {
  const { name, code, message } = error as { name: string; code?: string; message: string };
  return { ok: false, name, code, message };
}

function clientFor(provider: Provider, { logLines, stallTimeoutMs }: ClientSettings = {}) {
  const common: CommonClientOptions = {
    ...(stallTimeoutMs === undefined ? {} : { stallTimeoutMs }),
    ...(logLines === undefined
      ? {}
      : {
          logLevel: "debug",
          logger: {
            debug: (line: string) => void logLines.push(`debug ${line}`),
            info: (line: string) => void logLines.push(`info ${line}`),
            warn: (line: string) => void logLines.push(`warn ${line}`),
            error: (line: string) => void logLines.push(`error ${line}`),
          },
        }),
  };
  return clientOnConfig(provider, config, ({ forceRefresh }) => tokenOf(provider, forceRefresh), common);
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

/** Fanvue's token refresher in a page: a browser build has none (it would hold the app's client secret). */
export function fanvueOAuthInThisPage(): Outcome | "created" {
  try {
    fanvueOAuthToken({ refreshToken: "refresh-token-for-this-check", clientId: "app", clientSecret: "never-in-a-page" });
    return "created";
  } catch (error) {
    return failed(error);
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
  show(
    outcome.ok
      ? `Uploaded to ${outcome.provider}.\nid: ${outcome.id}\ntype: ${outcome.contentType}`
      : `${outcome.name}: ${outcome.message}`,
  );
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

Object.assign(globalThis, {
  example: { upload, uploadMany, uploadEachOnce, uploadInWorker, ofauthInThisPage, routeInThisPage, fanvueOAuthInThisPage },
});
document.body.dataset.ready = "true";

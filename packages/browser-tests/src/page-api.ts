// What the example page exposes as `globalThis.example`, as the suite calls it inside the page.
export type Provider = "fanvue" | "record360" | "flowkiwi";

export interface Progress {
  loaded: number;
  total: number;
  partsDone: number;
  partsTotal: number;
}

export type Outcome =
  | { ok: true; id: string; size: number; contentType: string; provider: string }
  | { ok: false; name: string; code?: string; message: string };

export interface ExamplePage {
  upload(
    provider: Provider,
    file: Blob | ArrayBuffer | Uint8Array | { stream: ReadableStream<Uint8Array>; size: number; filename?: string },
    options?: {
      onProgress?: (progress: Progress) => void;
      signal?: AbortSignal;
      checkpoint?: string;
      concurrency?: number;
      partSize?: number;
      logLines?: string[];
      stallTimeoutMs?: number;
      filename?: string;
      contentType?: string;
    },
  ): Promise<Outcome>;
  uploadMany(provider: Provider, files: Blob[], settings?: { logLines?: string[] }): Promise<Outcome[]>;
  uploadEachOnce(provider: Provider, files: File[]): Promise<(Outcome & { index: number; journal?: string })[]>;
  routeInThisPage(): Outcome | "created";
  fanvueOAuthInThisPage(): Outcome | "created";
  uploadInWorker(provider: Provider, file: Blob): Promise<{ outcome: Outcome; events: Progress[] }>;
  ofauthInThisPage(dangerouslyAllowBrowser: boolean): Outcome | "created";
}

/** The page's API, inside `page.evaluate`. */
export const example = () => (globalThis as unknown as { example: ExamplePage }).example;

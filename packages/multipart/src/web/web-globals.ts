// The Web APIs the web parts use, typed here (the package builds without the DOM library, so no DOM type reaches a
// declaration users compile against). Each is looked up on globalThis where it is used: a runtime without it takes
// the fallback that file describes.

export interface XhrLike {
  open(method: string, url: string): void;
  setRequestHeader(name: string, value: string): void;
  getAllResponseHeaders(): string;
  send(body: Blob): void;
  abort(): void;
  readonly status: number;
  readonly response: unknown;
  readonly responseURL: string;
  responseType: string;
  onload: (() => void) | null;
  onerror: (() => void) | null;
  onabort: (() => void) | null;
  onprogress: ((event: { loaded: number }) => void) | null;
  readonly upload: { onprogress: ((event: { loaded: number }) => void) | null; onload: (() => void) | null };
}

export interface WorkerLike {
  postMessage(message: unknown): void;
  terminate(): void;
  onmessage: ((event: { data: unknown }) => void) | null;
  onerror: ((event: unknown) => void) | null;
}

export interface IdbRequestLike<T> {
  result: T;
  error: unknown;
  onsuccess: (() => void) | null;
  onerror: (() => void) | null;
}

export interface IdbObjectStoreLike {
  get(key: string): IdbRequestLike<unknown>;
  put(value: unknown, key: string): IdbRequestLike<unknown>;
  delete(key: string): IdbRequestLike<unknown>;
}

export interface IdbTransactionLike {
  objectStore(name: string): IdbObjectStoreLike;
  oncomplete: (() => void) | null;
  onerror: (() => void) | null;
  onabort: (() => void) | null;
  error: unknown;
}

export interface IdbDatabaseLike {
  transaction(store: string, mode: "readonly" | "readwrite"): IdbTransactionLike;
  createObjectStore(name: string): unknown;
  readonly objectStoreNames: { contains(name: string): boolean };
  close(): void;
}

/** The part of `indexedDB` (an IDBFactory) the checkpoint store uses. */
export interface IndexedDbFactoryLike {
  open(name: string, version?: number): IdbRequestLike<IdbDatabaseLike> & { onupgradeneeded: (() => void) | null };
}

interface LockManagerLike {
  request(
    name: string,
    options: { ifAvailable: boolean },
    callback: (lock: unknown) => Promise<void> | undefined,
  ): Promise<unknown>;
}

/** The global scope, with the Web APIs above where the runtime has them. */
export const webGlobals = globalThis as unknown as {
  XMLHttpRequest?: new () => XhrLike;
  Worker?: new (url: string, options?: { type?: "module" | "classic"; name?: string }) => WorkerLike;
  indexedDB?: IndexedDbFactoryLike;
  navigator?: { locks?: LockManagerLike; hardwareConcurrency?: number };
  WebAssembly?: { Module: new (bytes: Uint8Array) => object };
  URL: typeof URL & { createObjectURL?(blob: Blob): string; revokeObjectURL?(url: string): void };
};

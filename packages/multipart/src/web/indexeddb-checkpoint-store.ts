import type { Checkpoint, CheckpointStore } from "../core/checkpoint/checkpoint-store.js";
import { parseCheckpoint } from "../core/checkpoint/parse-checkpoint.js";
import { CheckpointError } from "../core/errors.js";
import { type IdbDatabaseLike, type IdbRequestLike, type IndexedDbFactoryLike, webGlobals } from "./web-globals.js";

/** Options of `indexedDbCheckpointStore`. */
export interface IndexedDbCheckpointOptions {
  /** The database's name. Default `uploadkit`. */
  database?: string | undefined;
  /** The IndexedDB to use (an `IDBFactory`). Default: the runtime's `indexedDB`. */
  indexedDB?: IndexedDbFactoryLike | undefined;
}

const STORE = "checkpoints";

/**
 * A checkpoint kept in IndexedDB under `key` (what `checkpoint: "<key>"` uses in a browser or Web Worker): it
 * outlives a page reload, so the same file picked again under the same key resumes its upload. A save is one
 * IndexedDB transaction, so a crash leaves the old or the new checkpoint, never half of one. `lock()` takes a Web
 * Lock where the runtime has them (one upload per key across the origin's tabs and workers).
 */
export function indexedDbCheckpointStore(key: string, options: IndexedDbCheckpointOptions = {}): CheckpointStore {
  if (typeof key !== "string" || key.length === 0) {
    throw new CheckpointError("An IndexedDB checkpoint needs a non-empty key.", { code: "CHECKPOINT_KEY" });
  }
  const database = options.database ?? "uploadkit";
  const description = `IndexedDB ${database}/${key}`;
  const fail = (what: string, error: unknown) =>
    new CheckpointError(`Cannot ${what} the checkpoint ${description}: ${describe(error)}`, {
      code: what === "read" ? "CHECKPOINT_READ" : "CHECKPOINT_WRITE",
      cause: error,
    });
  const factory = () => {
    const found = options.indexedDB ?? webGlobals.indexedDB;
    if (!found) {
      throw new CheckpointError(
        `There is no IndexedDB here for the checkpoint "${key}": pass a checkpoint store of your own (checkpoint: { load, save, clear, description }).`,
        { code: "CHECKPOINT_UNAVAILABLE" },
      );
    }
    return found;
  };
  const withDatabase = async <T>(act: (db: IdbDatabaseLike) => Promise<T>): Promise<T> => {
    const db = await openDatabase(factory(), database);
    try {
      return await act(db);
    } finally {
      db.close();
    }
  };
  return {
    description,
    async load() {
      let value: unknown;
      try {
        value = await withDatabase((db) => request(db.transaction(STORE, "readonly").objectStore(STORE).get(key)));
      } catch (error) {
        if (error instanceof CheckpointError) throw error;
        throw fail("read", error);
      }
      return value === undefined ? undefined : parseCheckpoint(JSON.stringify(value), description);
    },
    async save(checkpoint: Checkpoint) {
      try {
        await withDatabase((db) => {
          const transaction = db.transaction(STORE, "readwrite");
          transaction.objectStore(STORE).put(JSON.parse(JSON.stringify(checkpoint)), key);
          return committed(transaction);
        });
      } catch (error) {
        if (error instanceof CheckpointError) throw error;
        throw fail("write", error);
      }
    },
    async clear() {
      try {
        await withDatabase((db) => {
          const transaction = db.transaction(STORE, "readwrite");
          transaction.objectStore(STORE).delete(key);
          return committed(transaction);
        });
      } catch (error) {
        if (error instanceof CheckpointError) throw error;
        throw fail("clear", error);
      }
    },
    async lock() {
      const locks = webGlobals.navigator?.locks;
      if (!locks) return async () => {};
      let release: () => void = () => {};
      const held = new Promise<boolean>((taken) => {
        void locks.request(`uploadkit:${database}/${key}`, { ifAvailable: true }, (lock) => {
          if (!lock) {
            taken(false);
            return undefined;
          }
          taken(true);
          return new Promise<void>((done) => {
            release = done;
          });
        });
      });
      if (!(await held)) {
        throw new CheckpointError(`The checkpoint ${description} is in use by another upload (in this or another tab).`, {
          code: "CHECKPOINT_LOCKED",
        });
      }
      return async () => release();
    },
  };
}

function openDatabase(factory: IndexedDbFactoryLike, name: string): Promise<IdbDatabaseLike> {
  return new Promise((resolve, reject) => {
    const opening = factory.open(name, 1);
    opening.onupgradeneeded = () => {
      if (!opening.result.objectStoreNames.contains(STORE)) opening.result.createObjectStore(STORE);
    };
    opening.onsuccess = () => resolve(opening.result);
    opening.onerror = () => reject(opening.error);
  });
}

function request<T>(pending: IdbRequestLike<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    pending.onsuccess = () => resolve(pending.result);
    pending.onerror = () => reject(pending.error);
  });
}

function committed(transaction: {
  oncomplete: (() => void) | null;
  onerror: (() => void) | null;
  onabort: (() => void) | null;
  error: unknown;
}): Promise<void> {
  return new Promise((resolve, reject) => {
    transaction.oncomplete = () => resolve();
    transaction.onerror = () => reject(transaction.error);
    transaction.onabort = () => reject(transaction.error ?? new Error("the transaction was aborted"));
  });
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

import { getHeapStatistics, setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

/**
 * A long run allocates far more than it keeps (every API call's Request and Response, every file's checkpoint),
 * and V8 lets a busy process's heap grow to several times what is alive before it collects: 10,000 small files took
 * the CLI to 266 MiB RSS with 20 MiB alive (`pnpm bench --bulk-only --bulk 10000`). The CLI owns its process, so it
 * collects whenever the heap in use passes `bytes`, checked every 32 files: a full collection of what a run keeps
 * alive takes milliseconds. A library never does this; the CLI's memory bound is its own.
 */
export function heapCeiling(bytes: number): () => void {
  setFlagsFromString("--expose-gc");
  const collect = runInNewContext("gc") as (() => void) | undefined;
  let files = 0;
  return () => {
    if (++files % 32 === 0 && collect && getHeapStatistics().used_heap_size > bytes) collect();
  };
}

import type { Page } from "playwright-core";

/** What a page's Web Workers answered: how many digests, and each error (after which the page hashed on its own thread). */
export interface WorkerAnswers {
  digests: number;
  errors: string[];
}

// Runs before the app's code: every Worker the page makes is one whose answers are counted. Only counts and error
// texts are kept, never a message itself (the hashing worker gives buffers back; keeping them would hold the file).
const COUNT_WORKER_ANSWERS = `globalThis.workerAnswers = { digests: 0, errors: [] };
globalThis.Worker = class extends globalThis.Worker {
  constructor(...args) {
    super(...args);
    this.addEventListener("message", ({ data }) => {
      if (typeof data?.digest === "string") globalThis.workerAnswers.digests++;
      if (data?.error !== undefined) globalThis.workerAnswers.errors.push(String(data.error));
    });
  }
};`;

/** From the next load of `page` on, counts what every Web Worker it makes answers; `workerAnswers(page)` reads it. */
export async function countWorkerAnswers(page: Page): Promise<void> {
  await page.addInitScript(COUNT_WORKER_ANSWERS);
}

/** What the page's Web Workers have answered since it loaded (see `countWorkerAnswers`). */
export function workerAnswers(page: Page): Promise<WorkerAnswers> {
  return page.evaluate(() => (globalThis as unknown as { workerAnswers: WorkerAnswers }).workerAnswers);
}

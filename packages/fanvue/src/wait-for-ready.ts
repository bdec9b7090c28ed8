import { InputError, UploadkitError } from "@uploadkit/multipart";
import { sleep } from "@uploadkit/multipart/internal";

/** How `waitForReady` polls: its time limit and first interval (whole milliseconds ≥ 1). */
export interface WaitForReadyOptions {
  /** Give up after this long. Default 10 minutes. */
  timeoutMs?: number;
  /** First delay between polls; grows ×1.5 up to 15 s. Default 1 s. */
  intervalMs?: number;
}

/** Checks the polling options before any call: a zero, negative or non-finite time would poll without end. */
export function assertWaitOptions(options: WaitForReadyOptions): void {
  if (options.timeoutMs !== undefined) positive("waitForReady.timeoutMs", options.timeoutMs);
  if (options.intervalMs !== undefined) positive("waitForReady.intervalMs", options.intervalMs);
}

/** Polls `read` until the status is `ready` (returns the media) or `error` (throws), or the time runs out. */
export async function waitForReady<Media extends { status: string }>(
  mediaUuid: string,
  read: () => Promise<Media>,
  options: WaitForReadyOptions,
  signal: AbortSignal | undefined,
): Promise<Media> {
  const timeoutMs = positive("waitForReady.timeoutMs", options.timeoutMs ?? 600_000);
  let interval = positive("waitForReady.intervalMs", options.intervalMs ?? 1000);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const media = await read();
    if (media.status === "ready") return media;
    if (media.status === "error") {
      throw new UploadkitError(`Fanvue could not process media ${mediaUuid} (status "error"); upload it again.`, {
        code: "FANVUE_MEDIA_ERROR",
      });
    }
    if (Date.now() + interval > deadline) {
      throw new UploadkitError(
        `Media ${mediaUuid} was uploaded but is still "${media.status}" after ${timeoutMs} ms; poll GET /media/${mediaUuid} later.`,
        { code: "FANVUE_MEDIA_NOT_READY" },
      );
    }
    await sleep(interval, signal);
    interval = Math.min(15_000, Math.round(interval * 1.5));
  }
}

function positive(name: string, value: number): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value <= 0) {
    throw new InputError(`${name} must be a whole number of milliseconds ≥ 1, got ${value}.`, { code: "INPUT_INVALID_NUMBER" });
  }
  return value;
}

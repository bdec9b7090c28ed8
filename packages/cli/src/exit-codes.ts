export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;
/** The shared journal or rate limit (Redis) was lost mid-run: run again once it answers (EX_TEMPFAIL). */
export const EXIT_SHARED_STATE_LOST = 75;
export const EXIT_INTERRUPTED = 130;

/** Bad command-line use: exit code 2, the message says what to change. */
export class UsageError extends Error {
  override name = "UsageError";
}

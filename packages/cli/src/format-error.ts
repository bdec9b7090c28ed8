import { ApiError, InputError, isAbortError, UploadkitError } from "@uploadkit/multipart";

/** SDK option names as the CLI user knows them. */
const FLAGS: Record<string, string> = {
  contentType: "--content-type",
  partSize: "--part-size",
  partCount: "--part-count",
  concurrency: "--concurrency",
  fileId: "--file-id",
  mediaType: "--media-type",
  creatorUserUuid: "--creator",
  waitForReady: "--wait",
  skipIfExists: "--skip-if-exists",
  apiVersion: "--api-version",
  baseUrl: "--base-url",
};
/** Names that are also ordinary words ("the checkpoint …"): replaced only where a message names the option. */
const PHRASED: Record<string, string> = { ...FLAGS, checkpoint: "--no-resume" };
const OPTION_NAMES = new RegExp(`\\b(${Object.keys(FLAGS).join("|")})\\b`, "g");

/** A message written for SDK users, with its option names replaced by the CLI flags that set them. */
export function inCliTerms(message: string): string {
  return message
    .replace(/the (\w+) option/g, (whole, name: string) => (PHRASED[name] ? `the ${PHRASED[name]} flag` : whole))
    .replace(OPTION_NAMES, (name: string) => FLAGS[name] ?? name);
}

/** One line for a failed upload: what happened and, for provider errors, status and request id. */
export function formatError(error: unknown): string {
  return inCliTerms(describe(error));
}

function describe(error: unknown): string {
  if (error instanceof ApiError) {
    const id = error.requestId && !error.message.includes(error.requestId) ? ` (request id ${error.requestId})` : "";
    return `the provider answered ${error.status} (${error.kind}): ${error.message}${id}`;
  }
  if (error instanceof InputError) return `invalid input: ${error.message}`;
  if (isAbortError(error)) return "interrupted";
  if (error instanceof UploadkitError) return error.message;
  return error instanceof Error ? error.message : String(error);
}

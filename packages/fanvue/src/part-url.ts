import { ProviderResponseError } from "@uploadkit/multipart";

const URL_FIELDS = ["url", "signedUrl", "uploadUrl", "presignedUrl", "signed_url", "upload_url"];

/**
 * The presigned URL from the part-URL endpoint, whose response format Fanvue does not document:
 * a JSON object with a URL field, a JSON string, or plain text are all accepted.
 */
export function parsePartUrl(body: string, partNumber: number): string {
  const text = body.trim();
  let value: unknown = text;
  try {
    value = JSON.parse(text);
  } catch {}
  if (value && typeof value === "object") {
    const fields = value as Record<string, unknown>;
    value = URL_FIELDS.map((name) => fields[name]).find((field) => typeof field === "string");
  }
  if (typeof value === "string" && /^https?:\/\//i.test(value.trim())) return value.trim();
  throw new ProviderResponseError(
    `Fanvue's part-URL response for part ${partNumber} carries no absolute http(s) URL (expected a URL, a JSON string or { url }).`,
    {
      provider: "fanvue",
      operation: "GET /media/uploads/{uploadId}/parts/{partNumber}/url",
      field: "url",
      code: "FANVUE_PART_URL_MISSING",
    },
  );
}

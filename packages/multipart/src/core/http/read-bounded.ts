import { concatBytes } from "../sources/byte-streams.js";

/** Reads at most `limit` bytes of a body as text; a larger body is cut off and the rest discarded unread. */
export async function readBounded(
  body: AsyncIterable<Uint8Array> & { destroy?: () => unknown },
  limit = 64 * 1024,
): Promise<string> {
  const chunks: Uint8Array[] = [];
  let length = 0;
  for await (const chunk of body) {
    chunks.push(chunk.subarray(0, Math.max(0, limit - length)));
    length += chunk.length;
    if (length >= limit) {
      body.destroy?.();
      break;
    }
  }
  return new TextDecoder().decode(concatBytes(chunks));
}

/** The human part of an error body: S3 XML `<Code>`/`<Message>`, a JSON message, or a short text excerpt. */
export function summarizeErrorBody(text: string): string | undefined {
  const trimmed = text.trim();
  if (!trimmed) return undefined;
  const xmlCode = /<Code>([^<]*)<\/Code>/.exec(trimmed)?.[1];
  const xmlMessage = /<Message>([^<]*)<\/Message>/.exec(trimmed)?.[1];
  if (xmlCode || xmlMessage) return [xmlCode, xmlMessage].filter(Boolean).join(": ");
  try {
    const json = JSON.parse(trimmed) as Record<string, unknown>;
    const message = [json.message, json.error, json.detail, json.title].find((value) => typeof value === "string");
    if (typeof message === "string") return message;
  } catch {}
  if (/^\s*</.test(trimmed)) return "an HTML or XML page instead of the expected response";
  return trimmed.length > 200 ? `${trimmed.slice(0, 200)}…` : trimmed;
}

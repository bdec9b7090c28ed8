// The leading bytes of the media these providers take: the web runtime's whole sniffer (file-type weighs more than
// the web bundle's budget), and an upload route's second opinion where file-type gives none.

const ascii = (bytes: Uint8Array, start: number, end: number) => String.fromCharCode(...bytes.subarray(start, end));

/** The media type the leading bytes show (the formats in the table), if any. */
export async function sniffSignature(head: Uint8Array): Promise<string | undefined> {
  const at = (offset: number, ...values: number[]) => values.every((value, index) => head[offset + index] === value);
  if (at(0, 0xff, 0xd8, 0xff)) return "image/jpeg";
  if (at(0, 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return "image/png";
  if (ascii(head, 0, 4) === "GIF8") return "image/gif";
  if (ascii(head, 0, 4) === "RIFF" && ascii(head, 8, 12) === "WEBP") return "image/webp";
  if (ascii(head, 0, 4) === "RIFF" && ascii(head, 8, 12) === "WAVE") return "audio/wav";
  if (ascii(head, 0, 4) === "RIFF" && ascii(head, 8, 12) === "AVI ") return "video/x-msvideo";
  if (ascii(head, 0, 5) === "%PDF-") return "application/pdf";
  if (at(0, 0x1a, 0x45, 0xdf, 0xa3)) return ascii(head, 0, 64).includes("webm") ? "video/webm" : "video/x-matroska";
  if (ascii(head, 4, 8) === "ftyp") {
    const brand = ascii(head, 8, 12);
    if (brand === "qt  ") return "video/quicktime";
    if (brand.startsWith("avif")) return "image/avif";
    if (brand.startsWith("hei") || brand === "mif1") return "image/heic";
    if (brand.startsWith("M4A")) return "audio/mp4";
    return "video/mp4";
  }
  if (ascii(head, 0, 3) === "ID3" || at(0, 0xff, 0xfb)) return "audio/mpeg";
  if (ascii(head, 0, 4) === "OggS") return "audio/ogg";
  return undefined;
}

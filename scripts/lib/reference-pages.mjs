// The reference pages of a provider that publishes no OpenAPI document, kept as text in specs/<provider>/published/
// and pinned: a page whose text changed is what tells us to review the hand-written specs/<provider>/openapi.yaml.
// Text, not HTML: a site rebuilt with new asset hashes or markup is not a change to the API it documents.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { providerPaths } from "./providers.mjs";
import { decodeEntities, download, UpdateError } from "./publication.mjs";
import { writePin } from "./spec-pin.mjs";

const BLOCKS = /<\/?(p|div|br|li|ul|ol|tr|table|h[1-6]|pre|section|article|dt|dd|blockquote|hr)\b[^>]*>/gi;

/** The readable text of an HTML page (Markdown and text pass through), one trimmed line per block. */
export function pageText(page) {
  const isHtml = /<(html|body|div|p|h1|main)\b/i.test(page);
  const text = isHtml
    ? decodeEntities(
        page
          .replace(/<(script|style|noscript|svg|head|nav|footer)\b[\s\S]*?<\/\1>/gi, "")
          .replace(/<!--[\s\S]*?-->/g, "")
          .replace(/<t[dh]\b[^>]*>/gi, " | ")
          .replace(BLOCKS, "\n")
          .replace(/<[^>]+>/g, ""),
      )
    : page;
  const lines = text
    .replace(/\r\n?/g, "\n")
    .split("\n")
    .map((line) => line.replace(/[ \t\u00a0]+/g, " ").trim())
    .filter(Boolean);
  return `${lines.join("\n").trim()}\n`;
}

/** A stable file name for a page: its URL path (or file name), slugged. */
export function pageName(page) {
  const path = /^https?:\/\//i.test(page) ? new URL(page).pathname : page.split("/").pop();
  const slug = path
    .replace(/\.(html?|md|txt)$/i, "")
    .replace(/[^a-z0-9]+/gi, "-")
    .replace(/^-+|-+$/g, "")
    .toLowerCase();
  return `${slug || "index"}.txt`;
}

/**
 * Fetches every page and replaces specs/<provider>/published/ with their text. Answers what changed: pages added,
 * removed and changed, each changed one with the lines it lost and gained. Nothing is written when a page fails.
 */
export async function snapshotPages(provider, pages, label) {
  const dir = join(providerPaths(provider).specDir, "published");
  const fresh = new Map();
  for (const page of pages) {
    let text;
    if (/^https?:\/\//i.test(page)) text = await download(page, "text/html, text/markdown;q=0.9");
    else {
      try {
        text = readFileSync(page, "utf8");
      } catch (error) {
        throw new UpdateError(`Could not read ${page}: ${error.code ?? error.message}.`);
      }
    }
    fresh.set(pageName(page), { page, text: pageText(text) });
  }
  const old = new Map(existsSync(dir) ? readdirSync(dir).map((name) => [name, readFileSync(join(dir, name), "utf8")]) : []);
  const changes = [];
  for (const [name, { page, text }] of fresh) {
    if (!old.has(name)) changes.push({ name, page, status: "added", lost: [], gained: text.split("\n").filter(Boolean) });
    else if (old.get(name) !== text) changes.push({ name, page, status: "changed", ...lineDiff(old.get(name), text) });
  }
  for (const name of old.keys())
    if (!fresh.has(name)) changes.push({ name, status: "removed", lost: old.get(name).split("\n").filter(Boolean), gained: [] });
  if (changes.length === 0) return { changes };
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const [name, { text }] of fresh) writeFileSync(join(dir, name), text);
  writePin(provider, { source: label });
  return { changes };
}

/** Lines only in the old text and lines only in the new (a page's wording, not its order, is what matters here). */
function lineDiff(before, after) {
  const a = before.split("\n").filter(Boolean);
  const b = after.split("\n").filter(Boolean);
  const inA = new Set(a);
  const inB = new Set(b);
  return { lost: a.filter((line) => !inB.has(line)), gained: b.filter((line) => !inA.has(line)) };
}

// A provider's publication as it comes: one whole OpenAPI document (a URL or a file), a folder of per-endpoint
// pages, or a list of page URLs — each checked to be OpenAPI 3 and kept verbatim. A page that is Markdown or HTML
// (a reference site's page) gives the OpenAPI block it carries, as published.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import YAML from "yaml";

export class UpdateError extends Error {}

/** A provider's publication: one document (a URL or a file) or a folder of per-endpoint pages, each stored verbatim. */
export async function readPublication(from) {
  if (Array.isArray(from)) return Promise.all(from.map((page) => readPage(page)));
  if (/^https?:\/\//i.test(from)) {
    const text = await download(from, "application/json, application/yaml;q=0.9");
    return [{ name: `openapi.${format(text)}`, text: checkedDocument(from, text) }];
  }
  let stats;
  try {
    stats = statSync(from);
  } catch (error) {
    throw new UpdateError(`Could not read ${from}: ${error.code ?? error.message}.`);
  }
  if (stats.isDirectory()) {
    const names = readdirSync(from)
      .filter((name) => /\.(ya?ml|json|md|html?)$/i.test(name))
      .sort();
    if (names.length === 0) throw new UpdateError(`${from} holds no .yaml, .yml, .json, .md or .html pages.`);
    // A Markdown or HTML file with no OpenAPI block (a folder's README) is not a page of the publication.
    const pages = (
      await Promise.all(names.map((name) => readPage(join(from, name), { optional: /\.(md|html?)$/i.test(name) })))
    ).filter(Boolean);
    if (pages.length === 0) throw new UpdateError(`${from} holds no OpenAPI pages.`);
    return pages;
  }
  const text = readFileSync(from, "utf8");
  return [{ name: `openapi.${format(text)}`, text: checkedDocument(from, text) }];
}

function format(text) {
  return text.trimStart().startsWith("{") ? "json" : "yaml";
}

function checkedDocument(from, text) {
  let document;
  try {
    document = YAML.parse(text);
  } catch (error) {
    throw new UpdateError(`${from} is neither JSON nor YAML: ${error.message.split("\n")[0]}`);
  }
  if (!document || typeof document !== "object" || typeof document.openapi !== "string" || !document.openapi.startsWith("3.")) {
    throw new UpdateError(`${from} is not an OpenAPI 3 document (no "openapi: 3.x" field).`);
  }
  if (!document.paths || typeof document.paths !== "object")
    throw new UpdateError(`${from} is not a valid OpenAPI document: it has no "paths".`);
  return text;
}

const MAX_BYTES = 32 * 1024 * 1024;

/** A page's text, refused past 32 MiB (a server's answer does not decide how much is held). */
export async function download(url, accept) {
  let response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(30_000), headers: { accept } });
  } catch (error) {
    const code = error.cause?.code ?? error.cause?.errors?.[0]?.code;
    throw new UpdateError(`Could not reach ${url}: ${code ?? error.cause?.message ?? error.message}.`);
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new UpdateError(`Could not download ${url}: HTTP ${response.status}.`);
  }
  const chunks = [];
  let size = 0;
  for await (const chunk of response.body ?? []) {
    size += chunk.byteLength;
    if (size > MAX_BYTES) throw new UpdateError(`${url} is larger than ${MAX_BYTES / 1024 / 1024} MiB; refused.`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** One page (a URL or a file): an OpenAPI document as it is, or the OpenAPI block of a Markdown or HTML page. */
async function readPage(page, { optional = false } = {}) {
  const remote = /^https?:\/\//i.test(page);
  let text;
  if (remote) text = await download(page, "application/json, application/yaml, text/markdown, text/html;q=0.8");
  else {
    try {
      text = readFileSync(page, "utf8");
    } catch (error) {
      throw new UpdateError(`Could not read ${page}: ${error.code ?? error.message}.`);
    }
  }
  const base = (remote ? new URL(page).pathname : page).split("/").filter(Boolean).pop() ?? "page";
  const stem = base.replace(/\.(ya?ml|json|md|html?)$/i, "") || "page";
  const block = isOpenApi(text) ? text : openApiBlock(text);
  if (block === undefined && optional) return undefined;
  if (block === undefined) return { name: base, text: checkedDocument(page, text) };
  return { name: `${stem}.${format(block)}`, text: checkedDocument(page, block) };
}

function isOpenApi(text) {
  try {
    return typeof YAML.parse(text)?.openapi === "string";
  } catch {
    return false;
  }
}

const ENTITIES = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'", nbsp: " " };

/** Text with HTML's character references (named, decimal, hex) replaced by the characters they stand for. */
export function decodeEntities(text) {
  return text.replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (whole, name) =>
    name[0] === "#"
      ? String.fromCodePoint(/^#x/i.test(name) ? Number.parseInt(name.slice(2), 16) : Number(name.slice(1)))
      : (ENTITIES[name] ?? whole),
  );
}

/** The first fenced (Markdown) or <code> (HTML) block of a page that is an OpenAPI document, or undefined. */
export function openApiBlock(page) {
  const fenced = [...page.matchAll(/```(?:ya?ml|json)?[^\n]*\n([\s\S]*?)```/g)].map((m) => m[1]);
  const code = [...page.matchAll(/<code[^>]*>([\s\S]*?)<\/code>/gi)].map((m) => decodeEntities(m[1].replace(/<[^>]+>/g, "")));
  return [...fenced, ...code].find(isOpenApi);
}

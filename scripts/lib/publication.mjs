// A provider's publication as it comes: one whole OpenAPI document (a URL or a file) or a folder of per-endpoint
// pages, each checked to be OpenAPI 3 and kept verbatim.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import YAML from "yaml";

export class UpdateError extends Error {}

/** A provider's publication: one document (a URL or a file) or a folder of per-endpoint pages, each stored verbatim. */
export async function readPublication(from) {
  if (/^https?:\/\//i.test(from)) {
    let response;
    try {
      response = await fetch(from, {
        signal: AbortSignal.timeout(30_000),
        headers: { accept: "application/json, application/yaml;q=0.9" },
      });
    } catch (error) {
      const code = error.cause?.code ?? error.cause?.errors?.[0]?.code;
      throw new UpdateError(`Could not reach ${from}: ${code ?? error.cause?.message ?? error.message}.`);
    }
    if (!response.ok) throw new UpdateError(`Could not download ${from}: HTTP ${response.status}.`);
    const text = await response.text();
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
      .filter((name) => /\.(ya?ml|json)$/i.test(name))
      .sort();
    if (names.length === 0) throw new UpdateError(`${from} holds no .yaml, .yml or .json pages.`);
    return names.map((name) => ({ name, text: checkedDocument(join(from, name), readFileSync(join(from, name), "utf8")) }));
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

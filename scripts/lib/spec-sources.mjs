// Where each provider publishes its API, as registered in specs/<provider>/source.json:
//   { "kind": "openapi", "url": … }            one whole OpenAPI document
//   { "kind": "openapi-pages", "urls": [ … ] }  one page per operation, each a document or a page with an OpenAPI block
//   { "kind": "reference-pages", "urls": [ … ] } reference pages with no OpenAPI; specs/<provider>/openapi.yaml is
//                                                written by hand from them, so their text is watched for changes
// `--source <provider>=<url | file | folder>` replaces the registered place for one run, keeping its kind.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { PROVIDERS, providerPaths } from "./providers.mjs";
import { UpdateError } from "./publication.mjs";

const KINDS = ["openapi", "openapi-pages", "reference-pages"];

/** The registered source of a provider, checked. */
export function registeredSource(provider) {
  const file = join(providerPaths(provider).specDir, "source.json");
  if (!existsSync(file)) throw new UpdateError(`specs/${provider}/source.json is missing: register where ${provider} publishes.`);
  const source = JSON.parse(readFileSync(file, "utf8"));
  if (!KINDS.includes(source.kind))
    throw new UpdateError(`specs/${provider}/source.json: "kind" must be one of ${KINDS.join(", ")}.`);
  const places = source.kind === "openapi" ? [source.url] : source.urls;
  if (!Array.isArray(places) || places.length === 0 || places.some((p) => typeof p !== "string" || !/^https:\/\//.test(p)))
    throw new UpdateError(`specs/${provider}/source.json: ${source.kind === "openapi" ? '"url"' : '"urls"'} must be https URLs.`);
  return source;
}

/** `--source provider=place` arguments → Map(provider → place), each provider known. */
export function sourceOverrides(values) {
  const result = new Map();
  for (const value of values) {
    const at = value.indexOf("=");
    const provider = value.slice(0, at);
    if (at < 1 || !value.slice(at + 1)) throw new UpdateError(`--source takes <provider>=<url | file | folder>, not "${value}".`);
    if (!PROVIDERS.includes(provider))
      throw new UpdateError(`--source ${value}: unknown provider "${provider}" (known: ${PROVIDERS.join(", ")}).`);
    result.set(provider, value.slice(at + 1));
  }
  return result;
}

/**
 * What to read for a provider: its kind, and the place(s) — the registered ones, or the override: a URL or a file
 * (one document, or one reference page), or a folder (its pages).
 */
export function sourceFor(provider, override) {
  const registered = registeredSource(provider);
  if (override === undefined) {
    const from = registered.kind === "openapi" ? registered.url : registered.urls;
    return { kind: registered.kind, from, label: registered.kind === "openapi" ? registered.url : registered.urls.join(", ") };
  }
  if (registered.kind !== "reference-pages") return { kind: "openapi", from: override, label: override };
  const isFolder = !/^https?:\/\//i.test(override) && existsSync(override) && statSync(override).isDirectory();
  const pages = isFolder
    ? readdirSync(override)
        .filter((name) => /\.(html?|md|txt)$/i.test(name))
        .sort()
        .map((name) => join(override, name))
    : [override];
  return { kind: "reference-pages", from: pages, label: override };
}

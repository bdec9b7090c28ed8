import { isDeepStrictEqual } from "node:util";

/**
 * Merges published single-operation OpenAPI documents into one document.
 * The first fragment supplies `openapi`, `info`, `servers`, `security` and `tags`;
 * paths and components are unioned. Two fragments defining the same path operation
 * or the same component differently is an error: it means upstream changed shape.
 */
export function mergeFragments(fragments) {
  if (fragments.length === 0) throw new Error("mergeFragments: no upstream documents to merge");
  const [first] = fragments;
  const merged = structuredClone({ ...first, paths: {}, components: {} });
  for (const { name, document } of fragments.map((f, i) => ({ name: f.info?.title ?? `#${i}`, document: f }))) {
    for (const [path, item] of Object.entries(document.paths ?? {})) {
      merged.paths[path] ??= {};
      for (const [key, value] of Object.entries(item)) {
        const existing = merged.paths[path][key];
        if (existing !== undefined && !isDeepStrictEqual(existing, value)) {
          throw new Error(`Upstream documents disagree on paths["${path}"].${key} (in "${name}")`);
        }
        merged.paths[path][key] = structuredClone(value);
      }
    }
    for (const [section, entries] of Object.entries(document.components ?? {})) {
      merged.components[section] ??= {};
      for (const [key, value] of Object.entries(entries)) {
        const existing = merged.components[section][key];
        if (existing !== undefined && !isDeepStrictEqual(existing, value)) {
          throw new Error(`Upstream documents disagree on components.${section}.${key} (in "${name}")`);
        }
        merged.components[section][key] = structuredClone(value);
      }
    }
  }
  return merged;
}

// The list of a spec's operations as a markdown table, for a provider package's README (between
// `<!-- operations:start -->` and `<!-- operations:end -->`): written by `pnpm generate`, checked by `pnpm generate:check`.
import YAML from "yaml";

const METHODS = ["get", "put", "post", "delete", "patch"];
export const START = "<!-- operations:start -->";
export const END = "<!-- operations:end -->";

/** The scopes an operation's description says it needs (Fanvue writes "Scope(s) required: `read:chat` `read:fan`"). */
export function scopesOf(description = "") {
  const line = /Scopes? required:([^<\n]*)/i.exec(description)?.[1] ?? "";
  return [...new Set(line.match(/[a-z_]+:[a-z_]+/gi) ?? [])];
}

function resolve(spec, node) {
  for (let depth = 0; node?.$ref && depth < 16; depth++) {
    node = node.$ref
      .replace(/^#\//, "")
      .split("/")
      .reduce((parent, key) => parent?.[key.replaceAll("~1", "/").replaceAll("~0", "~")], spec);
  }
  return node;
}

/** How the list is paged, as `paginate` follows it: `page` (pagination.hasMore), `cursor` (nextCursor), or none. */
function paging(spec, operation) {
  const schema = resolve(spec, resolve(spec, operation.responses?.["200"])?.content?.["application/json"]?.schema);
  const properties = schema?.properties ?? {};
  if (resolve(spec, properties.data)?.type !== "array") return undefined;
  if (properties.pagination) return "page";
  if (properties.nextCursor) return "cursor";
  return undefined;
}

/** Markdown: one row per operation, in path order — method and path, summary, scopes, and paging. */
export function operationsTable(specText) {
  const spec = YAML.parse(specText);
  const rows = [];
  for (const [path, item] of Object.entries(spec.paths ?? {}).sort(([a], [b]) => a.localeCompare(b))) {
    for (const method of METHODS) {
      const operation = item[method];
      if (!operation) continue;
      const scopes = scopesOf(operation.description).map((scope) => `\`${scope}\``);
      const paged = paging(spec, operation);
      const summary = String(operation.summary ?? operation.operationId ?? "")
        .replaceAll("|", "\\|")
        .trim();
      rows.push(
        `| \`${method.toUpperCase()} ${path}\` | ${summary} | ${scopes.join(" ") || "—"} | ${paged ? `\`paginate\` (${paged})` : ""} |`,
      );
    }
  }
  return [
    `${rows.length} operations, generated from \`specs/\` by \`pnpm generate\` (scopes as the provider's pages state them).`,
    "",
    "| operation | what it does | scopes | paged |",
    "| --- | --- | --- | --- |",
    ...rows,
  ].join("\n");
}

/** The README with its operations section replaced, or undefined when it has no markers. */
export function withOperationsTable(readme, specText) {
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start < 0 || end < start) return undefined;
  return `${readme.slice(0, start + START.length)}\n${operationsTable(specText)}\n${readme.slice(end)}`;
}

/** Follows a local `$ref` (and chains of them). */
export function resolve(document, node, depth = 0) {
  if (!node || typeof node !== "object" || typeof node.$ref !== "string" || depth > 20) return node;
  const target = node.$ref
    .replace(/^#\//, "")
    .split("/")
    .map((segment) => segment.replace(/~1/g, "/").replace(/~0/g, "~"))
    .reduce((current, key) => current?.[key], document);
  return resolve(document, target, depth + 1);
}

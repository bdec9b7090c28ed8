/**
 * Normalisations applied to published OpenAPI documents before our overlay.
 * Each one repairs a way the providers' published documents are not valid
 * OpenAPI 3.1 / JSON Schema 2020-12 as written, and each is tested in
 * scripts/test/normalize-openapi.test.mjs on the published text.
 */

/** `enum: [{ value: "image" }]` (the docs generator's form) → `enum: ["image"]`. */
export function unwrapEnumValueObjects(node) {
  return walk(node, (value) => {
    if (Array.isArray(value.enum) && value.enum.length > 0 && value.enum.every(isValueWrapper)) {
      value.enum = value.enum.map((item) => item.value);
    }
  });
}

/** OpenAPI 3.0 `nullable: true` → a 3.1 type array that admits null. */
export function nullableToTypeArray(node) {
  return walk(node, (value) => {
    if (value.nullable !== true || value.type === undefined) return;
    const types = Array.isArray(value.type) ? value.type : [value.type];
    if (!types.includes("null")) value.type = [...types, "null"];
    if (Array.isArray(value.enum) && !value.enum.includes(null)) value.enum = [...value.enum, null];
    delete value.nullable;
  });
}

/** OpenAPI 3.0 boolean `exclusiveMinimum`/`exclusiveMaximum` → 3.1 numeric bounds. */
export function booleanExclusiveBoundsToNumeric(node) {
  return walk(node, (value) => {
    for (const [flag, bound] of [
      ["exclusiveMinimum", "minimum"],
      ["exclusiveMaximum", "maximum"],
    ]) {
      if (typeof value[flag] !== "boolean") continue;
      if (value[flag] && typeof value[bound] === "number") {
        value[flag] = value[bound];
        delete value[bound];
      } else {
        delete value[flag];
      }
    }
  });
}

/** Operation `tags` must be strings; the docs generator emits `tags: [[]]`. */
export function dropNonStringTags(document) {
  forEachOperation(document, (operation) => {
    if (!Array.isArray(operation.tags)) return;
    operation.tags = operation.tags.filter((tag) => typeof tag === "string");
    if (operation.tags.length === 0) delete operation.tags;
  });
  return document;
}

/**
 * OpenAPI 3.1 §4.8.12: a header parameter named Accept, Content-Type or Authorization
 * "SHALL be ignored". Auth is expressed through securitySchemes (added by the overlay).
 */
export function dropIgnoredHeaderParameters(document) {
  const ignored = new Set(["accept", "content-type", "authorization"]);
  forEachOperation(document, (operation) => {
    if (!Array.isArray(operation.parameters)) return;
    operation.parameters = operation.parameters.filter(
      (parameter) => !(parameter.in === "header" && ignored.has(String(parameter.name).toLowerCase())),
    );
  });
  return document;
}

export function normalizeOpenApi(document) {
  const copy = structuredClone(document);
  unwrapEnumValueObjects(copy);
  nullableToTypeArray(copy);
  booleanExclusiveBoundsToNumeric(copy);
  dropNonStringTags(copy);
  dropIgnoredHeaderParameters(copy);
  return copy;
}

const HTTP_METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

function forEachOperation(document, visit) {
  for (const item of Object.values(document.paths ?? {})) {
    for (const method of HTTP_METHODS) if (item[method]) visit(item[method]);
  }
}

function isValueWrapper(item) {
  return item !== null && typeof item === "object" && !Array.isArray(item) && Object.keys(item).length === 1 && "value" in item;
}

function walk(node, visit) {
  if (Array.isArray(node)) {
    for (const item of node) walk(item, visit);
  } else if (node !== null && typeof node === "object") {
    visit(node);
    for (const child of Object.values(node)) walk(child, visit);
  }
  return node;
}

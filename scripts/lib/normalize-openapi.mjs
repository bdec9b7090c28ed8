import { isDeepStrictEqual } from "node:util";
import { isPlainObject } from "./plain-object.mjs";

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
 * "SHALL be ignored". Authorization is turned into a security scheme first (authHeaderToSecurityScheme).
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

/**
 * Per-operation `Authorization` header parameters are the auth scheme written as a parameter: they become one
 * security scheme (`BearerAuth` for "Bearer …", `BasicAuth` for "Basic …", otherwise an `apiKey` in the
 * Authorization header), required on every operation that declared the header — document-wide when all did.
 * A scheme the document already has under that name is kept as it is.
 */
export function authHeaderToSecurityScheme(document) {
  const declaring = [];
  let all = true;
  forEachOperation(document, (operation) => {
    const header = (operation.parameters ?? []).find(
      (parameter) => parameter?.in === "header" && String(parameter.name).toLowerCase() === "authorization",
    );
    if (header) declaring.push({ operation, header });
    else all = false;
  });
  if (declaring.length === 0) return document;
  const description = String(declaring[0].header.description ?? "");
  const [name, scheme] = /\bbearer\b/i.test(description)
    ? ["BearerAuth", { type: "http", scheme: "bearer" }]
    : /\bbasic\b/i.test(description)
      ? ["BasicAuth", { type: "http", scheme: "basic" }]
      : ["AuthorizationHeader", { type: "apiKey", in: "header", name: "Authorization" }];
  document.components ??= {};
  document.components.securitySchemes ??= {};
  document.components.securitySchemes[name] ??= description ? { ...scheme, description } : scheme;
  if (all && document.security === undefined) document.security = [{ [name]: [] }];
  else if (!all) for (const { operation } of declaring) operation.security ??= [{ [name]: [] }];
  return document;
}

/** A path parameter is always required (OpenAPI 3.1 §4.8.12.1); published `required: false` is corrected. */
export function requirePathParameters(document) {
  const fix = (parameters) => {
    for (const parameter of parameters ?? []) if (parameter?.in === "path") parameter.required = true;
  };
  for (const item of Object.values(document.paths ?? {})) {
    fix(item.parameters);
    for (const method of HTTP_METHODS) if (item[method]) fix(item[method].parameters);
  }
  for (const parameter of Object.values(document.components?.parameters ?? {})) fix([parameter]);
  return document;
}

/**
 * `content: {}` names no media type, so it describes no body: a response keeps its status without a body, and
 * a request body that is only `content: {}` is dropped.
 */
export function dropEmptyContent(document) {
  const isEmpty = (content) => isPlainObject(content) && Object.keys(content).length === 0;
  forEachOperation(document, (operation) => {
    if (isEmpty(operation.requestBody?.content)) delete operation.requestBody;
  });
  walk(document, (value) => {
    if (isEmpty(value.content)) delete value.content;
  });
  return document;
}

/**
 * Outside schemas, a Reference Object may carry only `summary` and `description` beside `$ref` (OpenAPI 3.1
 * §4.8.23); anything else is ignored by readers, so it is dropped. Schemas (where siblings are valid JSON
 * Schema) are left alone.
 */
export function dropReferenceSiblings(document) {
  const visit = (node, inSchema) => {
    if (Array.isArray(node)) {
      for (const item of node) visit(item, inSchema);
      return;
    }
    if (!isPlainObject(node)) return;
    if (!inSchema && typeof node.$ref === "string") {
      for (const key of Object.keys(node)) if (!["$ref", "summary", "description"].includes(key)) delete node[key];
      return;
    }
    for (const [key, child] of Object.entries(node)) {
      if (key === "example" || key === "value") continue;
      visit(child, inSchema || SCHEMA_KEYS.has(key) || (key === "schemas" && node === document.components));
    }
  };
  visit(document, false);
  return document;
}

const SCHEMA_KEYS = new Set(["schema", "items", "properties", "additionalProperties", "allOf", "anyOf", "oneOf", "not"]);

/**
 * `oneOf` means "exactly one": a value matching two branches is invalid. Published unions are rarely disjoint
 * (a full media object also matches the summary), so a client validating with `oneOf` rejects real answers.
 * Without a `discriminator`, and unless every branch has its own primitive `type`, `oneOf` becomes `anyOf`:
 * it accepts everything `oneOf` did, and the TypeScript union is the same.
 */
export function overlappingOneOfToAnyOf(node) {
  return walk(node, (value) => {
    if (!Array.isArray(value.oneOf) || value.discriminator !== undefined || value.anyOf !== undefined) return;
    const types = value.oneOf.map((branch) => (typeof branch?.type === "string" ? branch.type : undefined));
    if (types.every((type) => type !== undefined) && new Set(types).size === types.length) return;
    value.anyOf = value.oneOf;
    delete value.oneOf;
  });
}

/**
 * A header parameter declared the same way by several operations (an API version header, say) becomes one
 * `components.parameters` entry, named after the header (`X-Fanvue-API-Version` → `XFanvueApiVersion`), and
 * those operations refer to it; an operation that declares it differently keeps its own.
 */
export function hoistSharedHeaderParameters(document) {
  const byName = new Map();
  forEachOperation(document, (operation) => {
    for (const [index, parameter] of (operation.parameters ?? []).entries()) {
      if (parameter?.in !== "header" || typeof parameter.name !== "string") continue;
      const uses = byName.get(parameter.name) ?? [];
      uses.push({ operation, index, parameter });
      byName.set(parameter.name, uses);
    }
  });
  for (const [name, uses] of byName) {
    const groups = new Map();
    for (const use of uses) {
      const key = JSON.stringify(use.parameter);
      groups.set(key, [...(groups.get(key) ?? []), use]);
    }
    const shared = [...groups.values()].sort((a, b) => b.length - a.length)[0];
    if (shared.length < 2) continue;
    const key = componentName(name);
    document.components ??= {};
    document.components.parameters ??= {};
    const existing = document.components.parameters[key];
    if (existing !== undefined && !isDeepStrictEqual(existing, shared[0].parameter)) continue;
    document.components.parameters[key] = shared[0].parameter;
    for (const { operation, index } of shared) operation.parameters[index] = { $ref: `#/components/parameters/${key}` };
  }
  return document;
}

/**
 * Docs generators emit one component per place a type appears, so one type is published under many names.
 * Identical `components.schemas` entries are defined once — under the shortest name (then the first in
 * alphabetical order) — and every other name becomes a `$ref` to it. Every published name keeps working.
 */
export function aliasDuplicateSchemas(document) {
  const schemas = document.components?.schemas;
  if (!isPlainObject(schemas)) return document;
  let changed = true;
  while (changed) {
    changed = false;
    const groups = new Map();
    for (const [name, schema] of Object.entries(schemas)) {
      if (isAlias(schema)) continue;
      const key = JSON.stringify(schema);
      groups.set(key, [...(groups.get(key) ?? []), name]);
    }
    for (const names of groups.values()) {
      if (names.length < 2) continue;
      const [canonical, ...others] = names.sort((a, b) => a.length - b.length || (a < b ? -1 : 1));
      for (const name of others) schemas[name] = { $ref: `#/components/schemas/${canonical}` };
      changed = true;
    }
  }
  return document;
}

export function normalizeOpenApi(document) {
  const copy = structuredClone(document);
  unwrapEnumValueObjects(copy);
  nullableToTypeArray(copy);
  booleanExclusiveBoundsToNumeric(copy);
  dropNonStringTags(copy);
  authHeaderToSecurityScheme(copy);
  dropIgnoredHeaderParameters(copy);
  requirePathParameters(copy);
  dropEmptyContent(copy);
  dropReferenceSiblings(copy);
  overlappingOneOfToAnyOf(copy);
  hoistSharedHeaderParameters(copy);
  aliasDuplicateSchemas(copy);
  return copy;
}

const HTTP_METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

function forEachOperation(document, visit) {
  for (const item of Object.values(document.paths ?? {})) {
    for (const method of HTTP_METHODS) if (item[method]) visit(item[method]);
  }
}

function componentName(headerName) {
  return headerName
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((word) => word[0].toUpperCase() + word.slice(1).toLowerCase())
    .join("");
}

function isAlias(schema) {
  return isPlainObject(schema) && Object.keys(schema).length === 1 && typeof schema.$ref === "string";
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

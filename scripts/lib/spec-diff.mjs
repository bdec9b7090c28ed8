/**
 * A comparison of two OpenAPI documents from the point of view of a client generated from them. Each change names
 * its rule (diff-rules.mjs: what it is, and its kind for the direction the value travels in) — "breaking" (code
 * written against the old document may stop compiling or working), "additive" (new capability), "compatible"
 * (nothing a client relies on changed) or "docs" (descriptions, summaries, examples only).
 */
import { bumpOfKind, kindOf, largerBump } from "./diff-rules.mjs";
import { resolve } from "./resolve-ref.mjs";
import { compareSchema } from "./schema-diff.mjs";

export { resolve } from "./resolve-ref.mjs";

const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

export function diffSpecs(before, after) {
  const changes = [];
  const add = (rule, operation, message, direction) => changes.push({ kind: kindOf(rule, direction), rule, operation, message });
  const oldOps = operations(before);
  const newOps = operations(after);
  const renamed = renamedPaths(oldOps, newOps);
  for (const [key, operation] of oldOps) {
    const newKey = newOps.has(key) ? key : renamed.get(key);
    if (!newKey) add("operation-removed", key, "operation removed");
    else {
      if (newKey !== key) add("path-parameter-renamed", key, `path parameters renamed: ${key} → ${newKey}`);
      const names = pathNameMap(key, newKey);
      compareOperation(newKey, before, operation, after, newOps.get(newKey), names, add);
    }
  }
  const matched = new Set(renamed.values());
  for (const key of newOps.keys()) if (!oldOps.has(key) && !matched.has(key)) add("operation-added", key, "operation added");
  compareSecuritySchemes(before, after, add);
  compareServers(before, after, add);
  if (changes.length === 0 && JSON.stringify(before) !== JSON.stringify(after)) {
    add("docs-changed", undefined, "descriptions, summaries or examples changed");
  }
  return changes;
}

/** major for any breaking change, minor for additions, patch for anything else that changed, none otherwise. */
export function suggestedBump(changes) {
  return changes.reduce((bump, change) => largerBump(bump, bumpOfKind(change.kind)), "none");
}

function operations(document) {
  const result = new Map();
  for (const [path, item] of Object.entries(document.paths ?? {})) {
    for (const method of METHODS) {
      if (item?.[method])
        result.set(`${method.toUpperCase()} ${path}`, {
          ...item[method],
          parameters: [...(item.parameters ?? []), ...(item[method].parameters ?? [])],
          security: item[method].security ?? document.security,
        });
    }
  }
  return result;
}

const template = (key) => key.replace(/\{[^}]*\}/g, "{}");

/** Operations whose path is the same but for the names of its parameters: old key → new key. */
function renamedPaths(oldOps, newOps) {
  const gone = [...oldOps.keys()].filter((key) => !newOps.has(key));
  const fresh = [...newOps.keys()].filter((key) => !oldOps.has(key));
  const result = new Map();
  for (const key of gone) {
    const candidates = fresh.filter((other) => template(other) === template(key));
    if (candidates.length === 1) result.set(key, candidates[0]);
  }
  return result;
}

/** Old path parameter name → new one, by position in the template. */
function pathNameMap(oldKey, newKey) {
  const names = (key) => [...key.matchAll(/\{([^}]*)\}/g)].map((m) => m[1]);
  const oldNames = names(oldKey);
  const newNames = names(newKey);
  return new Map(oldNames.map((name, i) => [name, newNames[i]]));
}

function compareOperation(key, beforeDoc, before, afterDoc, after, pathNames, add) {
  const params = (doc, operation, rename) =>
    new Map(
      operation.parameters
        .map((p) => resolve(doc, p))
        .filter((p) => p?.name)
        .map((p) => [`${p.in} ${p.in === "path" && rename ? (rename.get(p.name) ?? p.name) : p.name}`, p]),
    );
  const oldParams = params(beforeDoc, before, pathNames);
  const newParams = params(afterDoc, after);
  for (const [name, parameter] of newParams) {
    const old = oldParams.get(name);
    if (!old) {
      const required = parameter.required === true;
      add(
        required ? "parameter-added-required" : "parameter-added-optional",
        key,
        `${required ? "required" : "optional"} parameter ${name} added`,
      );
    } else {
      if (!old.required && parameter.required) add("parameter-became-required", key, `parameter ${name} became required`);
      if (old.required && !parameter.required) add("parameter-became-optional", key, `parameter ${name} became optional`);
      compareSchema(beforeDoc, old.schema, afterDoc, parameter.schema, `parameter ${name}`, (rule, message) =>
        add(rule, key, message, "request"),
      );
    }
  }
  for (const name of oldParams.keys()) if (!newParams.has(name)) add("parameter-removed", key, `parameter ${name} removed`);
  compareRequestBody(key, beforeDoc, before, afterDoc, after, add);
  compareResponses(key, beforeDoc, before, afterDoc, after, add);
  compareSecurity(key, before.security, after.security, add);
}

function compareRequestBody(key, beforeDoc, before, afterDoc, after, add) {
  const oldBody = resolve(beforeDoc, before.requestBody);
  const newBody = resolve(afterDoc, after.requestBody);
  if (!oldBody && newBody)
    return add(
      newBody.required ? "request-body-added-required" : "request-body-added-optional",
      key,
      `a${newBody.required ? " required" : "n optional"} request body was added`,
    );
  if (oldBody && !newBody) return add("request-body-removed", key, "the request body was removed");
  if (!oldBody) return;
  if (!oldBody.required && newBody.required) add("request-body-became-required", key, "the request body became required");
  if (oldBody.required && !newBody.required) add("request-body-became-optional", key, "the request body became optional");
  for (const type of new Set([...Object.keys(oldBody.content ?? {}), ...Object.keys(newBody.content ?? {})])) {
    const a = oldBody.content?.[type];
    const b = newBody.content?.[type];
    if (a && !b) add("request-media-type-removed", key, `request body ${type} no longer accepted`);
    else if (!a && b) add("request-media-type-added", key, `request body ${type} accepted`);
    else compareSchema(beforeDoc, a.schema, afterDoc, b.schema, "request body", (rule, m) => add(rule, key, m, "request"));
  }
}

const isSuccess = (status) => /^2/.test(status) || status === "default";

function compareResponses(key, beforeDoc, before, afterDoc, after, add) {
  const oldResponses = before.responses ?? {};
  const newResponses = after.responses ?? {};
  const goneSuccess = Object.keys(oldResponses).filter((s) => isSuccess(s) && !(s in newResponses));
  const newSuccess = Object.keys(newResponses).filter((s) => isSuccess(s) && !(s in oldResponses));
  if (goneSuccess.length === 1 && newSuccess.length === 1) {
    add("response-status-moved", key, `response ${goneSuccess[0]} moved to ${newSuccess[0]}`);
    compareResponse(key, beforeDoc, oldResponses[goneSuccess[0]], afterDoc, newResponses[newSuccess[0]], newSuccess[0], add);
  } else {
    for (const status of goneSuccess) add("response-success-status-removed", key, `response ${status} removed`);
    for (const status of newSuccess) add("response-success-status-added", key, `response ${status} added`);
  }
  for (const status of Object.keys(oldResponses).filter((s) => !isSuccess(s) && !(s in newResponses)))
    add("response-error-status-removed", key, `response ${status} removed`);
  for (const status of Object.keys(newResponses).filter((s) => !isSuccess(s) && !(s in oldResponses)))
    add("response-error-status-added", key, `response ${status} added`);
  for (const status of Object.keys(oldResponses).filter((s) => s in newResponses))
    compareResponse(key, beforeDoc, oldResponses[status], afterDoc, newResponses[status], status, add);
}

function compareResponse(key, beforeDoc, oldResponse, afterDoc, newResponse, status, add) {
  const a = resolve(beforeDoc, oldResponse);
  const b = resolve(afterDoc, newResponse);
  if (!a || !b) return;
  for (const type of Object.keys(a.content ?? {})) {
    if (!b.content?.[type]) add("response-media-type-removed", key, `response ${status} ${type} removed`);
    else
      compareSchema(beforeDoc, a.content[type].schema, afterDoc, b.content[type].schema, `response ${status}`, (rule, m) =>
        add(rule, key, m, "response"),
      );
  }
  for (const type of Object.keys(b.content ?? {}))
    if (!a.content?.[type]) add("response-media-type-added", key, `response ${status} ${type} added`);
}

/** Each way to authenticate (one security requirement object): its scheme names, and the scopes asked of each. */
function alternatives(security) {
  const result = new Map();
  for (const requirement of security ?? [{}]) {
    const names = Object.keys(requirement ?? {}).sort();
    result.set(names.join(" + ") || "no authentication", requirement ?? {});
  }
  return result;
}

function compareSecurity(key, before, after, add) {
  const a = alternatives(before);
  const b = alternatives(after);
  for (const [names, requirement] of a) {
    if (!b.has(names)) {
      if (!b.has("no authentication"))
        add("security-requirement-added", key, `${names} is no longer accepted (now: ${[...b.keys()].join(" or ")})`);
      continue;
    }
    for (const [scheme, scopes] of Object.entries(b.get(names))) {
      const more = (scopes ?? []).filter((s) => !(requirement[scheme] ?? []).includes(s));
      if (more.length) add("security-requirement-added", key, `${scheme} now needs scope ${more.join(", ")}`);
    }
  }
  for (const names of b.keys()) if (!a.has(names)) add("security-requirement-removed", key, `${names} is accepted`);
}

function compareSecuritySchemes(before, after, add) {
  const a = before.components?.securitySchemes ?? {};
  const b = after.components?.securitySchemes ?? {};
  const shape = (s) => JSON.stringify({ type: s.type, in: s.in, name: s.name, scheme: s.scheme?.toLowerCase(), flows: s.flows });
  for (const [name, scheme] of Object.entries(a)) {
    const other = resolve(after, b[name]);
    if (!other) continue;
    const [was, now] = [shape(resolve(before, scheme)), shape(other)];
    if (was !== now) add("security-scheme-changed", undefined, `security scheme ${name}: ${was} → ${now}`);
  }
}

function compareServers(before, after, add) {
  const urls = (doc) => new Set((doc.servers ?? []).map((s) => s.url));
  const a = urls(before);
  const b = urls(after);
  for (const url of a) if (!b.has(url)) add("server-removed", undefined, `server ${url} removed`);
  for (const url of b) if (!a.has(url)) add("server-added", undefined, `server ${url} added`);
}

/**
 * A focused comparison of two OpenAPI documents, from the point of view of a client generated from them.
 * Each change is classified: "breaking" (code written against the old document may stop compiling or
 * working), "additive" (new capability, nothing existing changes) or "docs" (descriptions, summaries,
 * examples only).
 */

const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

export function diffSpecs(before, after) {
  const changes = [];
  const add = (kind, operation, message) => changes.push({ kind, operation, message });
  const oldOps = operations(before);
  const newOps = operations(after);
  for (const [key, operation] of oldOps) {
    if (!newOps.has(key)) add("breaking", key, "operation removed");
    else compareOperation(key, before, operation, after, newOps.get(key), add);
  }
  for (const key of newOps.keys()) if (!oldOps.has(key)) add("additive", key, "operation added");
  if (changes.length === 0 && JSON.stringify(before) !== JSON.stringify(after)) {
    add("docs", undefined, "descriptions, summaries or examples changed");
  }
  return changes;
}

/** major for any breaking change, minor for additions, patch for anything else that changed, none otherwise. */
export function suggestedBump(changes) {
  if (changes.some((c) => c.kind === "breaking")) return "major";
  if (changes.some((c) => c.kind === "additive")) return "minor";
  return changes.length > 0 ? "patch" : "none";
}

function operations(document) {
  const result = new Map();
  for (const [path, item] of Object.entries(document.paths ?? {})) {
    for (const method of METHODS) {
      if (item?.[method])
        result.set(`${method.toUpperCase()} ${path}`, {
          ...item[method],
          parameters: [...(item.parameters ?? []), ...(item[method].parameters ?? [])],
        });
    }
  }
  return result;
}

function compareOperation(key, beforeDoc, before, afterDoc, after, add) {
  const params = (doc, operation) =>
    new Map(
      operation.parameters
        .map((p) => resolve(doc, p))
        .filter((p) => p?.name)
        .map((p) => [`${p.in} ${p.name}`, p]),
    );
  const oldParams = params(beforeDoc, before);
  const newParams = params(afterDoc, after);
  for (const [name, parameter] of newParams) {
    const old = oldParams.get(name);
    if (!old)
      add(
        parameter.required ? "breaking" : "additive",
        key,
        `${parameter.required ? "required" : "optional"} parameter ${name} added`,
      );
    else {
      if (!old.required && parameter.required) add("breaking", key, `parameter ${name} became required`);
      if (old.required && !parameter.required) add("additive", key, `parameter ${name} became optional`);
      compareSchema(beforeDoc, old.schema, afterDoc, parameter.schema, "request", `parameter ${name}`, (kind, message) =>
        add(kind, key, message),
      );
    }
  }
  for (const name of oldParams.keys()) if (!newParams.has(name)) add("breaking", key, `parameter ${name} removed`);

  const oldBody = resolve(beforeDoc, before.requestBody);
  const newBody = resolve(afterDoc, after.requestBody);
  if (!oldBody && newBody?.required) add("breaking", key, "a required request body was added");
  for (const type of new Set([...Object.keys(oldBody?.content ?? {}), ...Object.keys(newBody?.content ?? {})])) {
    const a = oldBody?.content?.[type];
    const b = newBody?.content?.[type];
    if (a && !b) add("breaking", key, `request body ${type} no longer accepted`);
    else if (!a && b && oldBody) add("additive", key, `request body ${type} accepted`);
    else if (a && b)
      compareSchema(beforeDoc, a.schema, afterDoc, b.schema, "request", `request body`, (kind, message) =>
        add(kind, key, message),
      );
  }

  const oldResponses = before.responses ?? {};
  const newResponses = after.responses ?? {};
  for (const status of new Set([...Object.keys(oldResponses), ...Object.keys(newResponses)])) {
    const a = resolve(beforeDoc, oldResponses[status]);
    const b = resolve(afterDoc, newResponses[status]);
    if (a && !b) add(status.startsWith("2") ? "breaking" : "additive", key, `response ${status} removed`);
    else if (!a && b) add("additive", key, `response ${status} added`);
    else if (a && b) {
      for (const type of Object.keys(a.content ?? {})) {
        if (!b.content?.[type]) add("breaking", key, `response ${status} ${type} removed`);
        else
          compareSchema(
            beforeDoc,
            a.content[type].schema,
            afterDoc,
            b.content[type].schema,
            "response",
            `response ${status}`,
            (kind, message) => add(kind, key, message),
          );
      }
      for (const type of Object.keys(b.content ?? {}))
        if (!a.content?.[type]) add("additive", key, `response ${status} ${type} added`);
    }
  }
}

/**
 * Compares two schemas. For requests, the client sends the value: a new required field, a removed field or a
 * narrowed enum breaks it. For responses, the client reads the value: a removed field, or a required field
 * that became optional, breaks it.
 */
function compareSchema(beforeDoc, a, afterDoc, b, direction, where, report, seen = new Set()) {
  const before = resolve(beforeDoc, a);
  const after = resolve(afterDoc, b);
  if (!before || !after) return;
  const pair = `${JSON.stringify(a)}|${JSON.stringify(b)}|${where}`;
  if (seen.has(pair)) return;
  seen.add(pair);
  const typeOf = (s) => JSON.stringify([s.type ?? (s.properties ? "object" : undefined)].flat().filter((t) => t !== "null"));
  if (before.type && after.type && typeOf(before) !== typeOf(after)) {
    report("breaking", `${where}: type ${typeOf(before)} → ${typeOf(after)}`);
    return;
  }
  if (Array.isArray(before.enum) && Array.isArray(after.enum)) {
    const removed = before.enum.filter((v) => !after.enum.includes(v));
    const added = after.enum.filter((v) => !before.enum.includes(v));
    if (removed.length) report("breaking", `${where}: enum narrowed (removed ${removed.join(", ")})`);
    if (added.length) report("additive", `${where}: enum widened (added ${added.join(", ")})`);
  }
  const oldRequired = new Set(before.required ?? []);
  const newRequired = new Set(after.required ?? []);
  const oldProps = before.properties ?? {};
  const newProps = after.properties ?? {};
  for (const name of Object.keys(newProps)) {
    if (!(name in oldProps)) {
      if (direction === "request" && newRequired.has(name)) report("breaking", `${where}: new required field ${name}`);
      else report("additive", `${where}: new ${newRequired.has(name) ? "required" : "optional"} field ${name}`);
    } else {
      compareSchema(beforeDoc, oldProps[name], afterDoc, newProps[name], direction, `${where}.${name}`, report, seen);
    }
  }
  for (const name of Object.keys(oldProps)) {
    if (!(name in newProps)) report("breaking", `${where}: field ${name} removed`);
    else if (direction === "request" && !oldRequired.has(name) && newRequired.has(name))
      report("breaking", `${where}: field ${name} became required`);
    else if (direction === "response" && oldRequired.has(name) && !newRequired.has(name))
      report("breaking", `${where}: field ${name} may now be missing`);
  }
  if (before.items || after.items)
    compareSchema(beforeDoc, before.items, afterDoc, after.items, direction, `${where}[]`, report, seen);
  for (const combinator of ["anyOf", "oneOf", "allOf"]) {
    const x = before[combinator] ?? [];
    const y = after[combinator] ?? [];
    if (x.length !== y.length)
      report(
        direction === "request" && y.length < x.length ? "breaking" : "additive",
        `${where}: ${combinator} ${x.length} → ${y.length} alternatives`,
      );
    else {
      for (const [i, s] of x.entries())
        compareSchema(beforeDoc, s, afterDoc, y[i], direction, `${where}.${combinator}[${i}]`, report, seen);
    }
  }
}

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

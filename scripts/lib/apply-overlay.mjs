import { JSONPath } from "jsonpath-plus";

/**
 * Applies an OpenAPI Overlay 1.0 document (https://spec.openapis.org/overlay/v1.0.0):
 * each action's `target` is a JSONPath; `update` is merged into every matched node
 * (objects recursively, arrays appended), `remove: true` deletes the matched nodes.
 * Returns the new document and the actions whose target matched nothing (an upstream change made them
 * no-ops: the caller reports them, so the overlay gets fixed).
 */
export function applyOverlay(document, overlay) {
  if (typeof overlay?.overlay !== "string" || !Array.isArray(overlay.actions)) {
    throw new Error("Not an OpenAPI Overlay document: expected `overlay` and `actions`");
  }
  const result = structuredClone(document);
  const unmatched = [];
  for (const [index, action] of overlay.actions.entries()) {
    const matches = JSONPath({ path: action.target, json: result, resultType: "all" });
    if (matches.length === 0) {
      unmatched.push(`overlay action #${index} (${action.target}) matched nothing`);
      continue;
    }
    for (const match of matches) {
      if (action.remove === true) {
        removeNode(match);
      } else if (action.update !== undefined) {
        mergeInto(match.value, action.update, action.target);
      }
    }
  }
  return { document: result, unmatched };
}

function removeNode({ parent, parentProperty }) {
  if (Array.isArray(parent)) parent.splice(Number(parentProperty), 1);
  else delete parent[parentProperty];
}

function mergeInto(target, update, where) {
  if (Array.isArray(target)) {
    target.push(...structuredClone(Array.isArray(update) ? update : [update]));
    return;
  }
  if (!isPlainObject(target) || !isPlainObject(update)) {
    throw new Error(`Overlay update at ${where} must merge an object into an object`);
  }
  for (const [key, value] of Object.entries(update)) {
    if (isPlainObject(target[key]) && isPlainObject(value)) mergeInto(target[key], value, `${where}.${key}`);
    else if (Array.isArray(target[key]) && Array.isArray(value)) target[key].push(...structuredClone(value));
    else target[key] = structuredClone(value);
  }
}

function isPlainObject(value) {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

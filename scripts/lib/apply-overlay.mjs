import { isDeepStrictEqual } from "node:util";
import { JSONPath } from "jsonpath-plus";
import { isPlainObject } from "./plain-object.mjs";

/** The action extension that lets an overlay action replace a value upstream publishes; its value says why. */
export const OVERRIDE_EXTENSION = "x-upstream-override";

/**
 * Applies an OpenAPI Overlay 1.0 document (https://spec.openapis.org/overlay/v1.0.0): each action's `target` is a
 * JSONPath; `update` is merged into every matched node (objects recursively, arrays appended), `remove: true`
 * deletes the matched nodes.
 *
 * Our overlays only add what upstream lacks. Where an update would replace something upstream already publishes
 * — a different value under an existing key, a `$ref` over a published object, a parameter already declared — the
 * published value is kept and the action is reported in `collisions`, named, with what it collided with. An
 * action that corrects upstream on purpose says so with `x-upstream-override: <why>` and replaces the value.
 * An update identical to what is published is reported too (the action is now redundant).
 *
 * Returns the new document, the actions whose target matched nothing (`unmatched`) and the `collisions`.
 */
export function applyOverlay(document, overlay) {
  if (typeof overlay?.overlay !== "string" || !Array.isArray(overlay.actions)) {
    throw new Error("Not an OpenAPI Overlay document: expected `overlay` and `actions`");
  }
  const result = structuredClone(document);
  const unmatched = [];
  const collisions = [];
  for (const [index, action] of overlay.actions.entries()) {
    const name = actionName(index, action);
    const matches = JSONPath({ path: action.target, json: result, resultType: "all" });
    if (matches.length === 0) {
      unmatched.push(`${name} matched nothing`);
      continue;
    }
    const override = typeof action[OVERRIDE_EXTENSION] === "string" && action[OVERRIDE_EXTENSION].length > 0;
    for (const match of matches) {
      if (action.remove === true) {
        removeNode(match);
      } else if (action.update !== undefined) {
        const where = pointerToPath(match.pointer);
        const found = [];
        mergeInto(match.value, action.update, where, override, found);
        for (const collision of found) collisions.push(`${name}: ${collision}`);
      }
    }
  }
  return { document: result, unmatched, collisions };
}

function actionName(index, action) {
  const description = typeof action.description === "string" ? ` "${action.description.split(/(?<=\.)\s|\n/)[0]}"` : "";
  return `overlay action #${index}${description} (target ${action.target})`;
}

function removeNode({ parent, parentProperty }) {
  if (Array.isArray(parent)) parent.splice(Number(parentProperty), 1);
  else delete parent[parentProperty];
}

function mergeInto(target, update, where, override, collisions) {
  if (Array.isArray(target)) {
    appendItems(target, Array.isArray(update) ? update : [update], where, override, collisions);
    return;
  }
  if (!isPlainObject(target) || !isPlainObject(update)) {
    throw new Error(`Overlay update at ${where} must merge an object into an object`);
  }
  if (isReference(target)) {
    collisions.push(`${where} is a reference (${target.$ref}); keys beside a $ref are ignored — target what it refers to`);
    return;
  }
  for (const [key, value] of Object.entries(update)) {
    const at = `${where}${segment(key)}`;
    const existing = target[key];
    if (existing === undefined) {
      target[key] = structuredClone(value);
    } else if (isDefinitionSlot(where) && !override && !isDeepStrictEqual(existing, value)) {
      collisions.push(`${at} is already published upstream — kept upstream's; the overlay's copy was not merged into it`);
    } else if (isPlainObject(existing) && isPlainObject(value) && !isReference(value) && !isReference(existing)) {
      mergeInto(existing, value, at, override, collisions);
    } else if (Array.isArray(existing) && Array.isArray(value)) {
      appendItems(existing, value, at, override, collisions);
    } else if (isDeepStrictEqual(existing, value)) {
      collisions.push(`${at} is already published upstream with the same value — the action can go`);
    } else if (override) {
      target[key] = structuredClone(value);
    } else {
      collisions.push(`${at} is already published upstream as ${preview(existing)} — kept upstream's, not ${preview(value)}`);
    }
  }
}

/** Appends items; an item already there, or a parameter already declared (same `in` and `name`), collides. */
function appendItems(target, items, where, override, collisions) {
  for (const item of items) {
    const index = target.findIndex((existing) => isDeepStrictEqual(existing, item) || sameParameter(existing, item));
    if (index === -1) {
      target.push(structuredClone(item));
    } else if (isDeepStrictEqual(target[index], item)) {
      collisions.push(`${where}[${index}] is already published upstream with the same value — the action can go`);
    } else if (override) {
      target[index] = structuredClone(item);
    } else {
      collisions.push(`${where}[${index}] (${item.in} parameter "${item.name}") is already published upstream — kept upstream's`);
    }
  }
}

/**
 * Containers whose entries are whole definitions: an operation under a path item, a response under `responses`,
 * a named component. Adding one that upstream already has would merge two definitions into one.
 */
function isDefinitionSlot(where) {
  return (
    /^\$\.paths(\.[A-Za-z_$][\w$]*|\['[^']*'\])$/.test(where) ||
    /\.responses$/.test(where) ||
    /^\$\.components\.[A-Za-z]+$/.test(where)
  );
}

function sameParameter(a, b) {
  return isPlainObject(a) && isPlainObject(b) && typeof a.name === "string" && a.name === b.name && a.in === b.in;
}

function pointerToPath(pointer) {
  return `$${pointer
    .split("/")
    .slice(1)
    .map((part) => segment(part.replaceAll("~1", "/").replaceAll("~0", "~")))
    .join("")}`;
}

function segment(key) {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `['${key}']`;
}

function preview(value) {
  const text = JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}…` : text;
}

function isReference(value) {
  return isPlainObject(value) && typeof value.$ref === "string";
}

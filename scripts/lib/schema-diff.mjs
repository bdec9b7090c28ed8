// Compares two schemas from the side of a generated client: `direction` says who writes the value (the client in a
// "request", the API in a "response"), and diff-rules.mjs turns each rule into a kind for that direction.
import { resolve } from "./resolve-ref.mjs";

const LOWER_BOUNDS = ["minLength", "minimum", "exclusiveMinimum", "minItems", "minProperties"];
const UPPER_BOUNDS = ["maxLength", "maximum", "exclusiveMaximum", "maxItems", "maxProperties"];

/**
 * Reports each change as `report(rule, message)`. `seen` stops recursion through self-referencing schemas.
 */
export function compareSchema(beforeDoc, a, afterDoc, b, where, report, seen = new Set()) {
  const before = resolve(beforeDoc, a);
  const after = resolve(afterDoc, b);
  if (!before || !after || typeof before !== "object" || typeof after !== "object") return;
  const pair = `${JSON.stringify(a)}|${JSON.stringify(b)}|${where}`;
  if (seen.has(pair)) return;
  seen.add(pair);

  compareNullable(before, after, where, report);
  if (!compareTypes(before, after, where, report)) return;
  compareFormat(before, after, where, report);
  compareEnum(before, after, where, report);
  compareConstraints(before, after, where, report);
  compareProperties(beforeDoc, before, afterDoc, after, where, report, seen);
  if (before.items || after.items) compareSchema(beforeDoc, before.items, afterDoc, after.items, `${where}[]`, report, seen);
  compareAlternatives(beforeDoc, before, afterDoc, after, where, report, seen);
}

/** null allowed: 3.1 `type: [..., "null"]`, 3.0 `nullable: true`, or a `{type: "null"}` alternative. */
function allowsNull(schema) {
  if (schema.nullable === true) return true;
  if ([schema.type].flat().includes("null")) return true;
  return [...(schema.anyOf ?? []), ...(schema.oneOf ?? [])].some((s) => s?.type === "null");
}

function compareNullable(before, after, where, report) {
  const a = allowsNull(before);
  const b = allowsNull(after);
  if (!a && b) report("nullable-added", `${where}: may now be null`);
  if (a && !b) report("nullable-removed", `${where}: no longer null`);
}

/** The set of non-null types a schema allows, or undefined for "any". */
function typesOf(schema) {
  const declared = [schema.type].flat().filter((t) => t && t !== "null");
  if (declared.length > 0) return new Set(declared);
  if (schema.properties) return new Set(["object"]);
  if (schema.items) return new Set(["array"]);
  return undefined;
}

const covers = (set, type) => set.has(type) || (type === "integer" && set.has("number"));

/** Returns false when the types changed so much that comparing the rest means nothing. */
function compareTypes(before, after, where, report) {
  const a = typesOf(before);
  const b = typesOf(after);
  const show = (set) => (set ? [...set].join(" | ") : "any");
  if (!a && !b) return true;
  if (!a || !b) {
    report(a ? "type-widened" : "type-narrowed", `${where}: type ${show(a)} → ${show(b)}`);
    return true;
  }
  const widened = [...a].every((t) => covers(b, t));
  const narrowed = [...b].every((t) => covers(a, t));
  if (widened && narrowed) return true;
  if (widened) report("type-widened", `${where}: type ${show(a)} → ${show(b)}`);
  else if (narrowed) report("type-narrowed", `${where}: type ${show(a)} → ${show(b)}`);
  else {
    report("type-changed", `${where}: type ${show(a)} → ${show(b)}`);
    return false;
  }
  return true;
}

function compareFormat(before, after, where, report) {
  if (before.format === after.format) return;
  if (!after.format) report("format-widened", `${where}: format ${before.format} removed`);
  else if (!before.format) report("format-narrowed", `${where}: format ${after.format} added`);
  else report("format-changed", `${where}: format ${before.format} → ${after.format}`);
}

function compareEnum(before, after, where, report) {
  const a = Array.isArray(before.enum) ? before.enum : undefined;
  const b = Array.isArray(after.enum) ? after.enum : undefined;
  if (!a && !b) return;
  const text = (values) => values.map((v) => JSON.stringify(v)).join(", ");
  if (a && !b) return report("enum-widened", `${where}: enum removed (any value of the type)`);
  if (!a && b) return report("enum-narrowed", `${where}: enum added (${text(b)})`);
  const has = (list, v) => list.some((x) => JSON.stringify(x) === JSON.stringify(v));
  const removed = a.filter((v) => !has(b, v));
  const added = b.filter((v) => !has(a, v));
  if (removed.length) report("enum-narrowed", `${where}: enum narrowed (removed ${text(removed)})`);
  if (added.length) report("enum-widened", `${where}: enum widened (added ${text(added)})`);
}

function compareConstraints(before, after, where, report) {
  const bound = (key, tighter) => {
    const a = numeric(before[key]);
    const b = numeric(after[key]);
    if (a === b) return;
    const label = `${where}: ${key} ${a ?? "none"} → ${b ?? "none"}`;
    if (a === undefined) report("constraint-tightened", label);
    else if (b === undefined) report("constraint-loosened", label);
    else report(tighter(a, b) ? "constraint-tightened" : "constraint-loosened", label);
  };
  for (const key of UPPER_BOUNDS) bound(key, (a, b) => b < a);
  for (const key of LOWER_BOUNDS) bound(key, (a, b) => b > a);
  if (!before.uniqueItems && after.uniqueItems) report("constraint-tightened", `${where}: uniqueItems added`);
  if (before.uniqueItems && !after.uniqueItems) report("constraint-loosened", `${where}: uniqueItems removed`);
  for (const key of ["pattern", "multipleOf"]) {
    if (before[key] === after[key]) continue;
    if (before[key] === undefined) report("constraint-tightened", `${where}: ${key} ${after[key]} added`);
    else if (after[key] === undefined) report("constraint-loosened", `${where}: ${key} ${before[key]} removed`);
    else report("constraint-changed", `${where}: ${key} ${before[key]} → ${after[key]}`);
  }
}

/** 3.0's boolean exclusiveMaximum/exclusiveMinimum carry no number of their own: only numbers are bounds. */
function numeric(value) {
  return typeof value === "number" ? value : undefined;
}

function compareProperties(beforeDoc, before, afterDoc, after, where, report, seen) {
  const oldRequired = new Set(before.required ?? []);
  const newRequired = new Set(after.required ?? []);
  const oldProps = before.properties ?? {};
  const newProps = after.properties ?? {};
  for (const name of Object.keys(newProps)) {
    if (!(name in oldProps)) {
      const required = newRequired.has(name);
      report(
        required ? "field-added-required" : "field-added-optional",
        `${where}: new ${required ? "required" : "optional"} field ${name}`,
      );
    } else compareSchema(beforeDoc, oldProps[name], afterDoc, newProps[name], `${where}.${name}`, report, seen);
  }
  for (const name of Object.keys(oldProps)) {
    if (!(name in newProps)) report("field-removed", `${where}: field ${name} removed`);
    else if (!oldRequired.has(name) && newRequired.has(name))
      report("field-became-required", `${where}: field ${name} became required`);
    else if (oldRequired.has(name) && !newRequired.has(name))
      report("field-became-optional", `${where}: field ${name} may now be missing`);
  }
}

function compareAlternatives(beforeDoc, before, afterDoc, after, where, report, seen) {
  for (const combinator of ["anyOf", "oneOf", "allOf"]) {
    const x = (before[combinator] ?? []).filter((s) => s?.type !== "null");
    const y = (after[combinator] ?? []).filter((s) => s?.type !== "null");
    if (x.length === y.length) {
      for (const [i, s] of x.entries()) compareSchema(beforeDoc, s, afterDoc, y[i], `${where}.${combinator}[${i}]`, report, seen);
      continue;
    }
    const label = `${where}: ${combinator} ${x.length} → ${y.length} alternatives`;
    // allOf: every member must hold, so more members narrow the value and fewer widen it.
    const more = y.length > x.length;
    if (combinator === "allOf") report(more ? "alternatives-removed" : "alternatives-added", label);
    else report(more ? "alternatives-added" : "alternatives-removed", label);
  }
}

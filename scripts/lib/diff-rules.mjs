/**
 * Every class of change the differ reports, and what each means for code written against the generated client.
 * Kinds: "breaking" → major, "additive" → minor, "compatible" and "docs" → patch.
 *
 * Schema rules depend on who writes the value. In a request the client writes it: narrowing what the API accepts
 * breaks the client, widening adds. In a response the client reads it: widening what may arrive (a value may now be
 * null, missing, another type, a new enum member, longer) breaks code that handled the old set, narrowing is
 * compatible. A rule that does not depend on the direction has one kind for both.
 */
export const RULES = {
  "operation-removed": { kind: "breaking", what: "an operation is gone" },
  "operation-added": { kind: "additive", what: "a new operation" },
  "path-parameter-renamed": { kind: "breaking", what: "a path template's parameter has a new name" },
  "parameter-added-required": { kind: "breaking", what: "a new required parameter" },
  "parameter-added-optional": { kind: "additive", what: "a new optional parameter" },
  "parameter-removed": { kind: "breaking", what: "a parameter is gone" },
  "parameter-became-required": { kind: "breaking", what: "an optional parameter is now required" },
  "parameter-became-optional": { kind: "additive", what: "a required parameter is now optional" },
  "request-body-added-required": { kind: "breaking", what: "a required request body where there was none" },
  "request-body-added-optional": { kind: "additive", what: "an optional request body where there was none" },
  "request-body-removed": { kind: "breaking", what: "the request body is gone" },
  "request-body-became-required": { kind: "breaking", what: "an optional request body is now required" },
  "request-body-became-optional": { kind: "additive", what: "a required request body is now optional" },
  "request-media-type-removed": { kind: "breaking", what: "a request media type is no longer accepted" },
  "request-media-type-added": { kind: "additive", what: "another request media type is accepted" },
  "response-status-moved": { kind: "breaking", what: "a success status was replaced by another" },
  "response-success-status-removed": { kind: "breaking", what: "a success status is gone" },
  "response-success-status-added": { kind: "breaking", what: "another success status, with its own body, may arrive" },
  "response-error-status-removed": { kind: "compatible", what: "an error status is no longer documented" },
  "response-error-status-added": { kind: "additive", what: "a newly documented error status" },
  "response-media-type-removed": { kind: "breaking", what: "a response media type is gone" },
  "response-media-type-added": { kind: "additive", what: "another response media type may arrive" },
  "security-requirement-added": { kind: "breaking", what: "a way to authenticate the client used is no longer enough" },
  "security-requirement-removed": { kind: "additive", what: "another way to authenticate (or none) is accepted" },
  "security-scheme-changed": { kind: "breaking", what: "a security scheme's type, location, name or flow changed" },
  "server-removed": { kind: "breaking", what: "a server URL is gone" },
  "server-added": { kind: "additive", what: "another server URL" },
  "field-added-required": { request: "breaking", response: "additive", what: "a new required field" },
  "field-added-optional": { request: "additive", response: "additive", what: "a new optional field" },
  "field-removed": { request: "breaking", response: "breaking", what: "a field is gone" },
  "field-became-required": { request: "breaking", response: "compatible", what: "a field is now required" },
  "field-became-optional": { request: "additive", response: "breaking", what: "a field may now be missing" },
  "nullable-added": { request: "additive", response: "breaking", what: "null is now allowed" },
  "nullable-removed": { request: "breaking", response: "compatible", what: "null is no longer allowed" },
  "type-widened": { request: "additive", response: "breaking", what: "more types allowed" },
  "type-narrowed": { request: "breaking", response: "compatible", what: "fewer types allowed" },
  "type-changed": { request: "breaking", response: "breaking", what: "another type" },
  "format-widened": { request: "additive", response: "breaking", what: "a format constraint removed" },
  "format-narrowed": { request: "breaking", response: "compatible", what: "a format constraint added" },
  "format-changed": { request: "breaking", response: "breaking", what: "another format" },
  "enum-widened": { request: "additive", response: "breaking", what: "more enum values" },
  "enum-narrowed": { request: "breaking", response: "compatible", what: "fewer enum values" },
  "constraint-tightened": { request: "breaking", response: "compatible", what: "a constraint tightened" },
  "constraint-loosened": { request: "additive", response: "breaking", what: "a constraint loosened" },
  "constraint-changed": { request: "breaking", response: "breaking", what: "a pattern or multipleOf replaced" },
  "alternatives-added": { request: "additive", response: "breaking", what: "more anyOf/oneOf alternatives" },
  "alternatives-removed": { request: "breaking", response: "compatible", what: "fewer anyOf/oneOf alternatives" },
  "docs-changed": { kind: "docs", what: "descriptions, summaries or examples only" },
};

/** The kind of a rule, for the direction a schema is read in (request or response). */
export function kindOf(rule, direction) {
  const entry = RULES[rule];
  if (!entry) throw new Error(`No diff rule named ${rule}`);
  return entry.kind ?? entry[direction];
}

const ORDER = ["none", "patch", "minor", "major"];
const BUMP_OF_KIND = { breaking: "major", additive: "minor", compatible: "patch", docs: "patch" };

export function bumpOfKind(kind) {
  return BUMP_OF_KIND[kind];
}

/** The larger of two bumps ("none" < "patch" < "minor" < "major"). */
export function largerBump(a, b) {
  return ORDER.indexOf(a) >= ORDER.indexOf(b) ? a : b;
}

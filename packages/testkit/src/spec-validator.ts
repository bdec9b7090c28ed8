import { readFileSync } from "node:fs";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import YAML from "yaml";
import { type ProviderSpec, specPath } from "./prism.js";

export interface ExchangeToCheck {
  method: string;
  /** The path template as the spec writes it, e.g. `/v2/access/uploads/{mediaUploadId}/parts/{partNumber}`. */
  path: string;
  status: number;
  contentType: string;
  body: unknown;
}

/**
 * Validates a response body against the provider's spec with a JSON Schema 2020-12 validator (ajv), for
 * exchanges Prism's proxy cannot carry (binary and multipart bodies). Returns the errors (empty when valid).
 */
export function createSpecValidator(provider: ProviderSpec): (exchange: ExchangeToCheck) => string[] {
  const spec = YAML.parse(readFileSync(specPath(provider), "utf8")) as Record<string, unknown>;
  const ajv = new Ajv2020.default({ strict: false, allErrors: true });
  addFormats.default(ajv);
  ajv.addSchema(spec, "spec");
  return ({ method, path, status, contentType, body }) => {
    const operationPointer = `/paths/${escapePointer(path)}/${method.toLowerCase()}`;
    if (resolve(spec, operationPointer) === undefined) return [`the spec has no ${method} ${path}`];
    let responsePointer = `${operationPointer}/responses/${status}`;
    let response = resolve(spec, responsePointer) as Record<string, unknown> | undefined;
    if (!response) {
      responsePointer = `${operationPointer}/responses/${String(status)[0]}XX`;
      response = resolve(spec, responsePointer) as Record<string, unknown> | undefined;
    }
    if (!response) return [`the spec documents no ${status} response for ${method} ${path}`];
    if (typeof response.$ref === "string") {
      responsePointer = response.$ref.slice(1);
      response = resolve(spec, responsePointer) as Record<string, unknown>;
    }
    const mediaType = contentType.split(";")[0]?.trim() ?? "";
    const content = response.content as Record<string, unknown> | undefined;
    if (!content?.[mediaType]) return [`the spec documents no ${mediaType} body for ${method} ${path} ${status}`];
    const validate = ajv.getSchema(`spec#${responsePointer}/content/${escapePointer(mediaType)}/schema`);
    if (!validate) return [`cannot compile the schema at ${responsePointer}`];
    return validate(body) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || "body"} ${e.message}`);
  };
}

export function escapePointer(segment: string): string {
  return segment.replace(/~/g, "~0").replace(/\//g, "~1");
}

/** The node a JSON pointer (`/paths/~1media/get`) names in `document`, or undefined. */
export function resolve(document: unknown, pointer: string): unknown {
  let node = document;
  for (const raw of pointer.split("/").slice(1)) {
    const key = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

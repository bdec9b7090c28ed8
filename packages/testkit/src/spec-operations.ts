import { readFileSync } from "node:fs";
import { sample } from "openapi-sampler";
import YAML from "yaml";
import { type ProviderSpec, specPath } from "./prism.js";
import { resolve } from "./spec-validator.js";

type Json = Record<string, unknown>;

const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"] as const;

/** One operation of a provider's spec: where it is, and its definition with path-level parameters merged in. */
export interface SpecOperation {
  /** `METHOD /path`, as the spec writes the path. */
  key: string;
  /** Upper case. */
  method: string;
  path: string;
  operationId: string | undefined;
  parameters: Json[];
  requestBody: Json | undefined;
  /** The 2xx statuses the spec documents, lowest first. */
  successStatuses: number[];
}

/** A request to an operation built from its spec: the init an openapi-fetch call takes. */
export interface SampledCall {
  params: { path: Json; query: Json; header: Record<string, string> };
  body?: unknown;
  /** For bodies openapi-fetch must pass as they are (bytes, FormData). */
  bodySerializer?: (body: unknown) => unknown;
  headers?: Record<string, string>;
}

/** The provider's spec, parsed. */
export function loadSpec(provider: ProviderSpec): Json {
  return YAML.parse(readFileSync(specPath(provider), "utf8")) as Json;
}

/** Every operation of the spec, in document order. */
export function specOperations(spec: Json): SpecOperation[] {
  const operations: SpecOperation[] = [];
  for (const [path, rawItem] of Object.entries((spec.paths ?? {}) as Json)) {
    const item = resolveRef(spec, rawItem) as Json;
    for (const method of METHODS) {
      const operation = item[method] as Json | undefined;
      if (!operation) continue;
      const byKey = new Map<string, Json>();
      for (const raw of [...((item.parameters ?? []) as unknown[]), ...((operation.parameters ?? []) as unknown[])]) {
        const parameter = resolveRef(spec, raw) as Json;
        byKey.set(`${parameter.in}:${parameter.name}`, parameter);
      }
      operations.push({
        key: `${method.toUpperCase()} ${path}`,
        method: method.toUpperCase(),
        path,
        operationId: operation.operationId as string | undefined,
        parameters: [...byKey.values()],
        requestBody: operation.requestBody === undefined ? undefined : (resolveRef(spec, operation.requestBody) as Json),
        successStatuses: Object.keys((operation.responses ?? {}) as Json)
          .filter((status) => /^2\d\d$/.test(status))
          .map(Number)
          .sort((a, b) => a - b),
      });
    }
  }
  return operations;
}

/**
 * A valid request to `operation`, built from the spec: each required parameter (and every path parameter) from its
 * published example, else a sample of its schema; the request body likewise, by its first media type — JSON as an
 * object, `multipart/form-data` as FormData (binary fields as Blobs), any other type as bytes.
 */
export function sampleCall(spec: Json, operation: SpecOperation): SampledCall {
  const call: SampledCall = { params: { path: {}, query: {}, header: {} } };
  for (const parameter of operation.parameters) {
    if (parameter.in !== "path" && parameter.required !== true) continue;
    if (parameter.in === "cookie") continue;
    const value = exampleOf(spec, parameter) ?? sampleOf(spec, parameter.schema as Json);
    if (parameter.in === "path") call.params.path[parameter.name as string] = value;
    else if (parameter.in === "query") call.params.query[parameter.name as string] = value;
    else if (parameter.in === "header") call.params.header[parameter.name as string] = String(value);
  }
  const content = operation.requestBody?.content as Json | undefined;
  const [mediaType, rawMedia] = Object.entries(content ?? {})[0] ?? [];
  if (mediaType === undefined) return call;
  const media = (rawMedia ?? {}) as Json;
  const schema = media.schema as Json | undefined;
  if (/json/i.test(mediaType)) {
    call.body = exampleOf(spec, media) ?? sampleOf(spec, schema, true);
  } else if (mediaType === "multipart/form-data") {
    const fields = (sampleOf(spec, schema, true) ?? {}) as Json;
    const properties = ((resolveRef(spec, schema ?? {}) as Json).properties ?? {}) as Json;
    const form = new FormData();
    for (const [name, value] of Object.entries(fields)) {
      const property = resolveRef(spec, properties[name] ?? {}) as Json;
      if (property.format === "binary" || property.contentMediaType !== undefined || property.type === undefined) {
        form.append(name, new Blob([new Uint8Array([0x89, 0x50, 0x4e, 0x47])], { type: "image/png" }), "sample.png");
      } else {
        form.append(name, typeof value === "string" ? value : JSON.stringify(value));
      }
    }
    call.body = form;
    call.bodySerializer = (body) => body;
  } else {
    call.body = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]);
    call.bodySerializer = (body) => body;
    call.headers = { "content-type": mediaType.includes("*") ? "application/octet-stream" : mediaType };
  }
  return call;
}

function exampleOf(spec: Json, holder: Json): unknown {
  if (holder.example !== undefined) return holder.example;
  const examples = holder.examples as Json | undefined;
  const first = examples && (resolveRef(spec, Object.values(examples)[0]) as Json | undefined);
  return first?.value;
}

function sampleOf(spec: Json, schema: Json | undefined, skipNonRequired = false): unknown {
  if (!schema) return undefined;
  return sample(schema as never, { skipReadOnly: true, skipNonRequired, quiet: true }, spec);
}

/** `value`, or what its `$ref` (and theirs) points to. */
function resolveRef(spec: Json, value: unknown): unknown {
  let node = value;
  for (let depth = 0; node && typeof node === "object" && typeof (node as Json).$ref === "string" && depth < 16; depth++) {
    node = resolve(spec, ((node as Json).$ref as string).replace(/^#/, ""));
  }
  return node;
}

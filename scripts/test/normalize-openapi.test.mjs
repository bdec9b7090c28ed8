import { readFileSync } from "node:fs";
import openapiTS, { astToString } from "openapi-typescript";
import { describe, expect, it } from "vitest";
import YAML from "yaml";
import { mergeFragments } from "../lib/merge-fragments.mjs";
import {
  booleanExclusiveBoundsToNumeric,
  dropIgnoredHeaderParameters,
  dropNonStringTags,
  normalizeOpenApi,
  nullableToTypeArray,
  unwrapEnumValueObjects,
} from "../lib/normalize-openapi.mjs";
import { providerPaths } from "../lib/providers.mjs";

const fanvueCreate = readFileSync(`${providerPaths("fanvue").upstreamDir}create-upload-session.yaml`, "utf8");
const fanvueComplete = readFileSync(`${providerPaths("fanvue").upstreamDir}complete-upload-session.yaml`, "utf8");
const ofauthInit = readFileSync(`${providerPaths("ofauth").upstreamDir}create-upload-session.yaml`, "utf8");

const mediaTypeSchema = (document) =>
  document.components.schemas.MediaUploadsPostRequestBodyContentApplicationJsonSchemaMediaType;

describe("normalising the published Fanvue text", () => {
  it("starts from the seed's `- value: image` enum items", () => {
    expect(fanvueCreate).toContain("- value: image");
    expect(mediaTypeSchema(YAML.parse(fanvueCreate)).enum).toEqual([
      { value: "image" },
      { value: "video" },
      { value: "audio" },
      { value: "document" },
    ]);
  });

  it("turns them into plain string enums", () => {
    const normalized = normalizeOpenApi(YAML.parse(fanvueCreate));
    expect(mediaTypeSchema(normalized).enum).toEqual(["image", "video", "audio", "document"]);
    const complete = normalizeOpenApi(YAML.parse(fanvueComplete));
    expect(complete.components.schemas.MediaUploadsUploadIdPatchResponsesContentApplicationJsonSchemaStatus.enum).toEqual([
      "created",
      "processing",
      "ready",
      "error",
    ]);
  });

  it("makes openapi-typescript emit a string union instead of `{ value: string }` objects", async () => {
    const asPublished = astToString(await openapiTS(fanvueCreate, { silent: true }));
    const normalized = astToString(await openapiTS(YAML.stringify(normalizeOpenApi(YAML.parse(fanvueCreate))), { silent: true }));
    expect(asPublished).toMatch(/value: "image";/);
    expect(normalized).toContain('"image" | "video" | "audio" | "document"');
    expect(normalized).not.toMatch(/value: "image"/);
  });

  it("drops the `tags: [[]]` the docs generator emits and the ignored Authorization header parameter", () => {
    const normalized = normalizeOpenApi(YAML.parse(fanvueCreate));
    const operation = normalized.paths["/media/uploads"].post;
    expect(operation.tags).toBeUndefined();
    expect(operation.parameters.map((p) => p.name)).toEqual(["X-Fanvue-API-Version"]);
  });
});

describe("normalising the published OFAuth text", () => {
  it("turns 3.0 `nullable` and boolean exclusive bounds into 3.1 forms", () => {
    expect(ofauthInit).toContain("nullable: true");
    expect(ofauthInit).toContain("exclusiveMinimum: true");
    const normalized = normalizeOpenApi(YAML.parse(ofauthInit));
    const body = normalized.paths["/v2/access/uploads/init"].post.requestBody.content["application/json"].schema;
    expect(body.properties.size).toEqual({ type: "integer", exclusiveMinimum: 0, description: "File size in bytes" });
    expect(body.properties.vaultUpload.properties.userId.type).toEqual(["string", "null"]);
    expect(body.properties.vaultUpload.properties.userId.nullable).toBeUndefined();
  });
});

describe("each normalisation on its own", () => {
  it("leaves ordinary enums and non-wrapper objects alone", () => {
    const doc = { a: { enum: ["x", "y"] }, b: { enum: [{ value: 1, other: 2 }] } };
    expect(unwrapEnumValueObjects(structuredClone(doc))).toEqual(doc);
  });
  it("adds null to a nullable enum", () => {
    expect(nullableToTypeArray({ type: "string", enum: ["a"], nullable: true })).toEqual({
      type: ["string", "null"],
      enum: ["a", null],
    });
  });
  it("drops a false exclusive flag and keeps the inclusive bound", () => {
    expect(booleanExclusiveBoundsToNumeric({ minimum: 3, exclusiveMinimum: false })).toEqual({ minimum: 3 });
    expect(booleanExclusiveBoundsToNumeric({ maximum: 9, exclusiveMaximum: true })).toEqual({ exclusiveMaximum: 9 });
  });
  it("filters tags and header parameters per operation", () => {
    const doc = {
      paths: {
        "/x": {
          get: {
            tags: ["Keep", []],
            parameters: [
              { name: "authorization", in: "header" },
              { name: "Authorization", in: "query" },
              { name: "X-Other", in: "header" },
            ],
          },
        },
      },
    };
    dropNonStringTags(doc);
    dropIgnoredHeaderParameters(doc);
    expect(doc.paths["/x"].get).toEqual({
      tags: ["Keep"],
      parameters: [
        { name: "Authorization", in: "query" },
        { name: "X-Other", in: "header" },
      ],
    });
  });
});

describe("mergeFragments", () => {
  it("unions the two published Fanvue operations", () => {
    const merged = mergeFragments([YAML.parse(fanvueComplete), YAML.parse(fanvueCreate)]);
    expect(Object.keys(merged.paths).sort()).toEqual(["/media/uploads", "/media/uploads/{uploadId}"]);
    expect(Object.keys(merged.components.schemas)).toHaveLength(5);
  });
  it("refuses two fragments that define the same component differently", () => {
    const a = { openapi: "3.1.0", info: { title: "a" }, components: { schemas: { X: { type: "string" } } } };
    const b = { openapi: "3.1.0", info: { title: "b" }, components: { schemas: { X: { type: "integer" } } } };
    expect(() => mergeFragments([a, b])).toThrow(/disagree on components.schemas.X/);
  });
});

describe("derivation rules that hold for the whole format", () => {
  const page = (operation, components = {}) => ({
    openapi: "3.1.1",
    info: { title: "t", version: "1" },
    paths: { "/a/{id}": { get: operation } },
    components,
  });
  const authorization = {
    name: "Authorization",
    in: "header",
    required: true,
    description: "Bearer authentication of the form `Bearer <token>`",
    schema: { type: "string" },
  };
  const version = { name: "X-Api-Version", in: "header", required: true, schema: { type: "string", default: "1" } };

  it("turns Authorization header parameters into one security scheme, document-wide when every operation has one", () => {
    const document = normalizeOpenApi({
      ...page({ parameters: [authorization], responses: { 200: { description: "ok" } } }),
      paths: {
        "/a": { get: { parameters: [authorization], responses: { 200: { description: "ok" } } } },
        "/b": {
          post: {
            parameters: [{ ...authorization, description: "Basic credentials" }],
            responses: { 200: { description: "ok" } },
          },
        },
      },
    });
    expect(document.components.securitySchemes.BearerAuth).toMatchObject({ type: "http", scheme: "bearer" });
    expect(document.security).toEqual([{ BearerAuth: [] }]);
    expect(document.paths["/a"].get.parameters).toEqual([]);
  });

  it("declares a scheme per operation when only some operations carry the header", () => {
    const document = normalizeOpenApi({
      openapi: "3.1.1",
      info: { title: "t", version: "1" },
      paths: {
        "/a": { get: { parameters: [{ ...authorization, description: "Your key" }], responses: { 200: { description: "ok" } } } },
        "/public": { get: { responses: { 200: { description: "ok" } } } },
      },
    });
    expect(document.components.securitySchemes.AuthorizationHeader).toMatchObject({
      type: "apiKey",
      in: "header",
      name: "Authorization",
    });
    expect(document.security).toBeUndefined();
    expect(document.paths["/a"].get.security).toEqual([{ AuthorizationHeader: [] }]);
    expect(document.paths["/public"].get.security).toBeUndefined();
  });

  it("makes a header parameter declared the same way by several operations one shared component", () => {
    const document = normalizeOpenApi({
      openapi: "3.1.1",
      info: { title: "t", version: "1" },
      paths: {
        "/a": { get: { parameters: [version], responses: { 200: { description: "ok" } } } },
        "/b": { post: { parameters: [structuredClone(version)], responses: { 200: { description: "ok" } } } },
        "/c": { get: { parameters: [{ ...version, required: false }], responses: { 200: { description: "ok" } } } },
      },
    });
    expect(document.components.parameters.XApiVersion).toEqual(version);
    expect(document.paths["/a"].get.parameters).toEqual([{ $ref: "#/components/parameters/XApiVersion" }]);
    expect(document.paths["/b"].post.parameters).toEqual([{ $ref: "#/components/parameters/XApiVersion" }]);
    expect(document.paths["/c"].get.parameters[0].required).toBe(false);
  });

  it("requires path parameters, drops empty content and empty request bodies", () => {
    const document = normalizeOpenApi(
      page({
        parameters: [{ name: "id", in: "path", required: false, schema: { type: "number" } }],
        requestBody: { content: {} },
        responses: {
          200: { description: "ok", content: { "application/json": { schema: { type: "object" } } } },
          401: { description: "no", content: {} },
        },
      }),
    );
    const operation = document.paths["/a/{id}"].get;
    expect(operation.parameters[0].required).toBe(true);
    expect(operation.requestBody).toBeUndefined();
    expect(operation.responses[401]).toEqual({ description: "no" });
    expect(operation.responses[200].content).toBeDefined();
  });

  it("drops keys beside a $ref outside schemas, and keeps them inside schemas", () => {
    const document = normalizeOpenApi(
      page(
        {
          responses: {
            200: { $ref: "#/components/responses/Ok", description: "kept", content: { "text/plain": {} } },
          },
        },
        {
          responses: { Ok: { description: "ok" } },
          schemas: { A: { $ref: "#/components/schemas/B", description: "kept" }, B: { type: "string" } },
        },
      ),
    );
    expect(document.paths["/a/{id}"].get.responses[200]).toEqual({ $ref: "#/components/responses/Ok", description: "kept" });
    expect(document.components.schemas.A).toEqual({ $ref: "#/components/schemas/B", description: "kept" });
  });

  it("turns overlapping oneOf into anyOf, keeping a discriminated or type-disjoint oneOf", () => {
    const summary = { type: "object", properties: { id: { type: "string" } }, required: ["id"] };
    const full = { type: "object", properties: { id: { type: "string" }, name: { type: "string" } }, required: ["id", "name"] };
    const document = normalizeOpenApi(
      page(
        { responses: { 200: { description: "ok" } } },
        {
          schemas: {
            Overlapping: { oneOf: [summary, full] },
            Discriminated: { oneOf: [summary, full], discriminator: { propertyName: "id" } },
            Disjoint: { oneOf: [{ type: "string" }, { type: "integer" }] },
          },
        },
      ),
    );
    expect(document.components.schemas.Overlapping).toEqual({ anyOf: [summary, full] });
    expect(document.components.schemas.Discriminated.oneOf).toHaveLength(2);
    expect(document.components.schemas.Disjoint.oneOf).toHaveLength(2);
  });

  it("defines identical schemas once, under the shortest name, and keeps every published name as an alias", () => {
    const status = { type: "string", enum: ["created", "ready"] };
    const document = normalizeOpenApi(
      page(
        { responses: { 200: { description: "ok" } } },
        {
          schemas: {
            ResponsesStatusOneOf0: status,
            Status: structuredClone(status),
            BodyStatus: structuredClone(status),
            Other: { type: "string" },
          },
        },
      ),
    );
    expect(document.components.schemas.Status).toEqual(status);
    expect(document.components.schemas.ResponsesStatusOneOf0).toEqual({ $ref: "#/components/schemas/Status" });
    expect(document.components.schemas.BodyStatus).toEqual({ $ref: "#/components/schemas/Status" });
    expect(document.components.schemas.Other).toEqual({ type: "string" });
  });
});

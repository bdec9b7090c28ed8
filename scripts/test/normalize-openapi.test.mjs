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

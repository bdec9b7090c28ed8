import { PROVIDER_NAMES } from "@uploadkit/providers";
import createClient from "openapi-fetch";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type PrismServer, startPrism } from "../src/prism.js";
import { loadSpec, sampleCall, specOperations } from "../src/spec-operations.js";
import { createSpecValidator } from "../src/spec-validator.js";

describe("specOperations and sampleCall (the spec-derived contract table)", () => {
  it.each(PROVIDER_NAMES)("%s: every operation gets every required parameter and its body", (provider) => {
    const spec = loadSpec(provider);
    const operations = specOperations(spec);
    expect(operations.length).toBeGreaterThan(0);
    for (const operation of operations) {
      const call = sampleCall(spec, operation);
      for (const parameter of operation.parameters) {
        if (parameter.in !== "path" && parameter.required !== true) continue;
        const where = call.params[parameter.in as "path" | "query" | "header"];
        expect(where?.[parameter.name as string], `${operation.key} ${parameter.in} ${parameter.name}`).toBeDefined();
      }
      if (operation.requestBody?.required === true) expect(call.body, operation.key).toBeDefined();
      expect(operation.successStatuses.length, `${operation.key} documents no 2xx`).toBeGreaterThan(0);
    }
  });

  describe("against Prism: a sampled request passes, and the same request without what the spec requires does not", () => {
    let prism: PrismServer;
    beforeAll(async () => {
      prism = await startPrism({ provider: "record360" });
    });
    afterAll(() => prism?.stop());

    it("GET /api/users/multipart_upload_start/{file_id}", async () => {
      const spec = loadSpec("record360");
      const operation = specOperations(spec).find((o) => o.key === "GET /api/users/multipart_upload_start/{file_id}");
      if (!operation) throw new Error("the Record360 spec lost its start operation");
      const api = createClient<Record<string, never>>({ baseUrl: prism.origin, headers: { authorization: "Token t" } });
      const call = sampleCall(spec, operation);
      const ok = await api.GET(operation.path as never, call as never);
      expect(ok.response.status).toBe(200);
      const validate = createSpecValidator("record360");
      const answer = { method: "GET", path: operation.path, status: 200, contentType: "application/json" };
      expect(validate({ ...answer, body: ok.data })).toEqual([]);
      expect(validate({ ...answer, body: {} })).not.toEqual([]);
      const refused = await api.GET(operation.path as never, { ...call, params: { ...call.params, query: {} } } as never);
      expect(refused.response.status).toBe(422);
    });
  });
});

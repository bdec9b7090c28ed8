import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ProviderSpec } from "./prism.js";
import { type PrismServer, startPrism } from "./prism.js";
import { loadSpec, type SampledCall, sampleCall, specOperations } from "./spec-operations.js";
import { createSpecValidator } from "./spec-validator.js";

type Call = (path: string, init: SampledCall) => Promise<{ data?: unknown; error?: unknown; response: Response }>;

/** A provider client's `api` (openapi-fetch), as the table calls it: by method, with a path the spec names. */
export type OperationsClient = Partial<Record<"GET" | "PUT" | "POST" | "DELETE" | "OPTIONS" | "HEAD" | "PATCH" | "TRACE", Call>>;

/**
 * The spec-derived contract table: one test per operation of `specs/<provider>/openapi.yaml`, each calling it through
 * the provider client's `api` against Prism (`--errors`: a request the spec does not allow is refused) with a request
 * built from the spec, then checking Prism's answer against the documented response schema (what the generated types
 * are made from). A last test fails if any operation of the spec was not exercised, so an operation added to a spec
 * is covered with no hand list to update.
 */
export function describeEveryOperation(provider: ProviderSpec, api: (origin: string) => OperationsClient): void {
  const spec = loadSpec(provider);
  const operations = specOperations(spec);
  const validate = createSpecValidator(provider);
  const exercised = new Set<string>();
  let prism: PrismServer;

  describe(`every operation of specs/${provider}/openapi.yaml, through client.api against Prism`, () => {
    beforeAll(async () => {
      prism = await startPrism({ provider });
    });
    afterAll(() => prism?.stop());

    it.each(operations.map((operation) => [operation.key, operation] as const))("%s", async (_, operation) => {
      const call = api(prism.origin)[operation.method as keyof OperationsClient];
      expect(call, `client.api has no ${operation.method}`).toBeTypeOf("function");
      const init = sampleCall(spec, operation);
      const { data, error, response } = await (call as Call)(operation.path, init);
      expect(
        operation.successStatuses,
        `Prism answered ${operation.key} with ${response.status}: ${JSON.stringify(error)} (request ${JSON.stringify(init.params)} ${init.body instanceof FormData ? "form data" : JSON.stringify(init.body ?? null)})`,
      ).toContain(response.status);
      const contentType = response.headers.get("content-type") ?? "";
      if (data !== undefined && data !== "" && contentType) {
        const problems = validate({
          method: operation.method,
          path: operation.path,
          status: response.status,
          contentType,
          body: data,
        });
        expect(problems, `Prism's answer to ${operation.key} does not match the documented schema`).toEqual([]);
      }
      exercised.add(operation.key);
    });

    it("exercised every operation of the spec", () => {
      expect(operations.length).toBeGreaterThan(0);
      expect([...exercised].sort()).toEqual(operations.map((operation) => operation.key).sort());
    });
  });
}

// Bad inputs, table-driven (support/bad-input-cases.ts): each gets its typed error, before any create or complete
// call, and the file ends with its own credential-leak audit.
import { createFanvueClient } from "@uploadkit/fanvue";
import { createFlowkiwiClient } from "@uploadkit/flowkiwi";
import { createOfauthClient } from "@uploadkit/ofauth";
import { createRecord360Client } from "@uploadkit/record360";
import type { Sandbox } from "@uploadkit/sandbox";
import { beforeAll, describe, expect, it } from "vitest";
import { badInputCases } from "./support/bad-input-cases.js";
import { type Provider, uploader } from "./support/clients.js";
import { type startProxy, withProxy } from "./support/proxy.js";
import { audit, describeLeakAudit, file, sandboxFor, TRANSPORT, totals } from "./support/reliability-harness.js";

describe("bad inputs (table-driven)", () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await sandboxFor();
  });
  const up = (provider: Provider, transport = {}) => uploader(provider, sandbox, { ...TRANSPORT, ...transport });
  const fanvue = (overrides: Record<string, unknown> = {}) =>
    createFanvueClient({ ...TRANSPORT, token: sandbox.fanvue.credentials.token, baseUrl: sandbox.fanvue.baseUrl, ...overrides });
  const record360 = (overrides: Record<string, unknown> = {}) =>
    createRecord360Client({
      ...TRANSPORT,
      token: sandbox.record360.credentials.token,
      baseUrl: sandbox.record360.baseUrl,
      ...overrides,
    });
  const ofauth = (overrides: Record<string, unknown> = {}) =>
    createOfauthClient({ ...TRANSPORT, ...sandbox.ofauth.credentials, baseUrl: sandbox.ofauth.baseUrl, ...overrides });
  const flowkiwi = (overrides: Record<string, unknown> = {}) =>
    createFlowkiwiClient({ ...TRANSPORT, ...sandbox.flowkiwi.credentials, baseUrl: sandbox.flowkiwi.baseUrl, ...overrides });
  const CREATE_OR_COMPLETE =
    /\/media\/uploads$|\/media\/uploads\/[^/]+$|\/uploads\/init$|\/uploads\/complete$|multipart_upload_(start|complete)|\/rest\/api\/medias$/;
  const COMPLETE = /PATCH \/media\/uploads\/|\/uploads\/complete$|multipart_upload_complete/;

  /** Record360 with its presigned part URLs pointed at a misbehaving proxy in front of the store. */
  const throughStoreProxy = (storeProxy: Parameters<typeof startProxy>[0], name: string) =>
    withProxy(storeProxy, (storeOrigin) =>
      withProxy(
        {
          target: sandbox.record360.baseUrl,
          rewriteJson: (path, body) =>
            path.includes("multipart_upload_start")
              ? {
                  ...body,
                  presigned_urls: (body.presigned_urls as string[]).map((u) =>
                    u.replace(sandbox.store.gatewayOrigin, storeOrigin),
                  ),
                }
              : body,
        },
        (origin) => record360({ baseUrl: origin }).uploadMedia(file(name, 1000).path),
      ),
    );

  const cases = badInputCases({
    get sandbox() {
      return sandbox;
    },
    up,
    fanvue,
    record360,
    ofauth,
    flowkiwi,
    throughStoreProxy,
    CREATE_OR_COMPLETE,
    COMPLETE,
  });

  it(`has at least 30 cases (${cases.length})`, () => {
    expect(cases.length).toBeGreaterThanOrEqual(30);
  });

  for (const testCase of cases) {
    it(testCase.name, async () => {
      totals.cases++;
      const before = sandbox.requests.length;
      const outcome = await testCase.run(sandbox).then(
        () => undefined,
        (error: unknown) => audit.error(error),
      );
      if (testCase.error === null) {
        expect(outcome).toBeUndefined();
        return;
      }
      expect(outcome).toBeInstanceOf(testCase.error);
      if (testCase.message) expect((outcome as Error).message).toMatch(testCase.message);
      if (testCase.noCall) {
        const calls = sandbox.requests.slice(before).map((r) => `${r.method} ${r.url.split("?")[0]}`);
        expect(calls.filter((call) => testCase.noCall?.test(call))).toEqual([]);
      }
    });
  }
});

describeLeakAudit(30);

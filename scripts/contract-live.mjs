#!/usr/bin/env node
// Opt-in contract tests against the providers' real APIs: for each provider whose credentials are in the environment
// (the repository's secrets, in the `contract-live` workflow), `prism proxy --errors` in front of the real API and
// every read-only (GET) operation of its spec sent through it with a request sampled from the spec; a request or
// an answer the spec does not describe fails the run. A provider without credentials is skipped with a line naming
// the secrets to set. `<PROVIDER>_BASE_URL` points a provider elsewhere (a staging API, or the sandbox in a test).
import { join } from "node:path";

const ROOT = new URL("..", import.meta.url).pathname;
const { startPrism, loadSpec, specOperations, sampleCall } = await import(join(ROOT, "packages/testkit/dist/index.js"));
const { PROVIDER_NAMES, providerDescriptor } = await import(join(ROOT, "packages/providers/dist/index.js"));

const CLIENTS = {
  fanvue: async (baseUrl, env) =>
    (await import(join(ROOT, "packages/fanvue/dist/index.js"))).createFanvueClient({ baseUrl, token: env.FANVUE_TOKEN }),
  ofauth: async (baseUrl, env) =>
    (await import(join(ROOT, "packages/ofauth/dist/index.js"))).createOfauthClient({
      baseUrl,
      apiKey: env.OFAUTH_API_KEY,
      connectionId: env.OFAUTH_CONNECTION_ID,
    }),
  record360: async (baseUrl, env) =>
    (await import(join(ROOT, "packages/record360/dist/index.js"))).createRecord360Client({ baseUrl, token: env.RECORD360_TOKEN }),
  flowkiwi: async (baseUrl, env) =>
    (await import(join(ROOT, "packages/flowkiwi/dist/index.js"))).createFlowkiwiClient({
      baseUrl,
      token: env.FLOWKIWI_TOKEN,
      organizationId: env.FLOWKIWI_ORGANIZATION_ID,
      tenant: env.FLOWKIWI_TENANT,
    }),
};

/** GET operations that are not read-only, never replayed against a real account. */
const NOT_READ_ONLY = new Set([
  // Starts a multipart upload (a GET by Record360's design).
  "record360 GET /api/users/multipart_upload_start/{file_id}",
]);

const only = process.argv.slice(2);
let failed = 0;
let ran = 0;
for (const provider of PROVIDER_NAMES.filter((name) => only.length === 0 || only.includes(name))) {
  const descriptor = providerDescriptor(provider);
  const missing = descriptor.credentials
    .filter((credential) => !credential.optional && !process.env[credential.env])
    .map((c) => c.env);
  if (missing.length > 0) {
    console.log(
      `skipped ${provider}: no credentials (set the repository secret${missing.length > 1 ? "s" : ""} ${missing.join(", ")})`,
    );
    continue;
  }
  const upstream = process.env[`${provider.toUpperCase()}_BASE_URL`] ?? descriptor.defaultBaseUrl;
  const prism = await startPrism({ provider, upstream });
  try {
    const client = await CLIENTS[provider](prism.origin, process.env);
    const spec = loadSpec(provider);
    const reads = specOperations(spec).filter(
      (operation) => operation.method === "GET" && !NOT_READ_ONLY.has(`${provider} ${operation.key}`),
    );
    for (const operation of reads) {
      const call = sampleCall(spec, operation);
      const { response } = await client.api
        .GET(operation.path, { ...call, retry: undefined })
        .catch((error) => ({ response: error }));
      const violations = response?.headers?.get?.("sl-violations");
      const status = response?.status ?? "no answer";
      if (violations || status === 422 || status === "no answer") {
        failed++;
        console.log(`✗ ${provider} ${operation.key}: ${status} ${violations ?? ""}`);
      } else console.log(`✓ ${provider} ${operation.key}: ${status}`);
    }
    ran += reads.length;
    for (const problem of prism.problems()) console.log(`  prism: ${problem}`);
  } finally {
    await prism.stop();
  }
}
console.log(`contract tests against the real APIs: ${ran} read-only calls, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);

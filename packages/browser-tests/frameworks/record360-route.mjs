// The one upload route every framework here mounts: Record360 with the server's token, and a hook whose answer
// names the framework that served it.
import { createRecord360Client, createUploadRoute } from "@uploadkit/record360";

export function record360Route(config) {
  const client = createRecord360Client({ baseUrl: config.baseUrl, token: config.token });
  return createUploadRoute(client, {
    secret: config.secret,
    uploadOptions: { partSize: 5 * 1024 * 1024 },
    onUploadComplete: ({ result }) => ({ framework: config.framework, id: result.id, filesize: result.filesize }),
  });
}

/** The config the test passes in ROUTE_CONFIG (JSON). */
export function routeConfig(framework) {
  return { ...JSON.parse(globalThis.process?.env?.ROUTE_CONFIG ?? globalThis.Deno?.env.get("ROUTE_CONFIG") ?? "{}"), framework };
}

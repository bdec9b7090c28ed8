import { record360Route } from "./record360-route.mjs";

// workerd has no process environment here: the test bundles its config in (esbuild `define`).
const route = record360Route({ ...__ROUTE_CONFIG__, framework: "workerd" });
export default { fetch: (request) => route(request) };

import { record360Route, routeConfig } from "../../../../../record360-route.mjs";

// Built when first asked (not while `next build` collects the routes, when no credential is set).
let route;
const handler = (request) => {
  route ??= record360Route(routeConfig("next"));
  return route(request);
};

export const dynamic = "force-dynamic";
export const POST = handler;
export const PUT = handler;

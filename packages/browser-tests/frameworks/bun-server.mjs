import { record360Route, routeConfig } from "./record360-route.mjs";

const route = record360Route(routeConfig("bun"));
Bun.serve({ port: Number(process.env.PORT), hostname: "127.0.0.1", fetch: (request) => route(request) });
console.log("listening");

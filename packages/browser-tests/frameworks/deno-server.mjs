import { record360Route, routeConfig } from "./record360-route.mjs";

const route = record360Route(routeConfig("deno"));
Deno.serve({ port: Number(Deno.env.get("PORT")), hostname: "127.0.0.1", onListen: () => console.log("listening") }, route);

import { serve } from "@hono/node-server";
import { Hono } from "hono";
import { record360Route, routeConfig } from "./record360-route.mjs";

const route = record360Route(routeConfig("hono"));
const app = new Hono();
app.all("/api/uploads/*", (c) => route(c.req.raw));
serve({ fetch: app.fetch, port: Number(process.env.PORT), hostname: "127.0.0.1" }, () => console.log("listening"));

import { toNodeHandler } from "@uploadkit/multipart";
import express from "express";
import { record360Route, routeConfig } from "./record360-route.mjs";

const app = express();
app.use("/api/uploads", toNodeHandler(record360Route(routeConfig("express"))));
app.listen(Number(process.env.PORT), "127.0.0.1", () => console.log("listening"));

import { createRequire } from "node:module";

/** This package's version, for the User-Agent. */
export const VERSION: string = (createRequire(import.meta.url)("../package.json") as { version: string }).version;

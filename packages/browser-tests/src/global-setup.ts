import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { installPacked } from "./packed-install.js";

declare module "vitest" {
  export interface ProvidedContext {
    /** An app folder with the packed packages installed by npm and the page and edge sources copied in. */
    packedApp: string;
  }
}

const EXAMPLE = new URL("../../../examples/browser-upload/", import.meta.url).pathname;
const EDGE = new URL("../edge/", import.meta.url).pathname;
const PAGE = new URL("../page/", import.meta.url).pathname;
const APP = new URL("../app/", import.meta.url).pathname;
const FRAMEWORKS = new URL("../frameworks/", import.meta.url).pathname;

/** Packs and installs the packages once for every test file. */
export default function setup(project: TestProject) {
  const work = mkdtempSync(join(tmpdir(), "uploadkit-packed-"));
  const app = installPacked(work, [
    { from: EXAMPLE, names: ["app.ts", "clients.ts", "upload-worker.ts", "index.html"] },
    { from: EDGE, names: ["upload-worker.ts"], into: "edge" },
    { from: PAGE, names: ["route-page.ts"], into: "route-page" },
    { from: APP, names: ["route-app.mjs"], into: "route-app" },
    { from: FRAMEWORKS, names: readdirSync(FRAMEWORKS), into: "frameworks" },
  ]);
  project.provide("packedApp", app);
  return () => rmSync(work, { recursive: true, force: true });
}

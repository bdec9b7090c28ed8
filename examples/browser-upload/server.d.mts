import type { Sandbox } from "@uploadkit/sandbox";
import type { Metafile } from "esbuild";
import type { PageConfig } from "./clients.js";

/** Bundles app.ts and upload-worker.ts from `from` into `outdir` (esbuild, browser, no configuration). */
export function buildPage(options: { from?: string; outdir: string }): Promise<Metafile>;
/** Serves `root` and `/config.json` on 127.0.0.1. */
export function startPageServer(options: {
  root: string;
  config: PageConfig | (() => PageConfig);
  port?: number;
  headers?: Record<string, string>;
}): Promise<{
  origin: string;
  close(): Promise<void>;
}>;
/** The page's config for a sandbox. */
export function pageConfigFor(sandbox: Sandbox): PageConfig;

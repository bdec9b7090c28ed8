import type { paths } from "./generated/openapi.js";

/**
 * The generated paths with the `X-Fanvue-API-Version` header made optional: the client sends it on every
 * call, so callers of `fanvue.api` need not.
 */
export type FanvuePaths = {
  [Path in keyof paths]: {
    [Method in keyof paths[Path]]: paths[Path][Method] extends { parameters: { header: infer Header } }
      ? Omit<paths[Path][Method], "parameters"> & {
          parameters: Omit<paths[Path][Method]["parameters"], "header"> & { header?: Partial<Header> };
        }
      : paths[Path][Method];
  };
};

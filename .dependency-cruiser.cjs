// Import rules for every package's sources, checked by `pnpm lint` (dependency-cruiser): no cycles; the runtime-free
// core of @uploadkit/multipart reaches no Node module, no Node-only package (not even for types), and nothing of the
// Node or web runtime folders (it reaches its runtime through `#runtime` alone).
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "no-circular",
      severity: "error",
      comment: "An import cycle: split what the files share into a file of its own.",
      from: { path: "^packages/[^/]+/src/" },
      to: { circular: true },
    },
    {
      name: "core-no-node-builtins",
      severity: "error",
      comment: "core/ runs in browsers and edge runtimes: a Node built-in belongs in src/node/.",
      from: { path: "^packages/multipart/src/core/" },
      to: { dependencyTypes: ["core"] },
    },
    {
      name: "core-no-node-only-packages",
      severity: "error",
      comment: "core/ runs in browsers and edge runtimes: undici, file-type, mime-types (and their types) belong in src/node/.",
      from: { path: "^packages/multipart/src/core/" },
      to: { path: "(^|/)node_modules/(undici|file-type|mime-types|@types/node)/" },
    },
    {
      name: "core-not-runtime-folders",
      severity: "error",
      comment: "core/ reaches its runtime through #runtime only.",
      from: { path: "^packages/multipart/src/core/" },
      to: { path: "^packages/multipart/src/(node|web)/" },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "(^|/)(dist|generated)/" },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { exportsFields: ["exports"], conditionNames: ["import", "node", "default"] },
  },
};

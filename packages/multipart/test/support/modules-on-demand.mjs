// Child process for the sources test: which lookup tables the built package has loaded after its import, after a
// file whose bytes file-type names, and after one known only by its extension. Prints JSON.
import { createRequire } from "node:module";

const [namedByBytes, namedByExtension] = process.argv.slice(2);
const cache = createRequire(import.meta.url).cache;
const mimeTablesLoaded = () => Object.keys(cache).some((path) => /[\\/]node_modules[\\/]mime-(types|db)[\\/]/.test(path));

const { openSource } = await import("../../dist/index.js");
const atImport = mimeTablesLoaded();
const byBytes = await openSource(namedByBytes);
const afterSniff = mimeTablesLoaded();
const byExtension = await openSource(namedByExtension);
const afterName = mimeTablesLoaded();
const bytes = await openSource(new TextEncoder().encode("no magic number here"), { contentType: "text/csv" });
console.log(
  JSON.stringify({
    atImport,
    afterSniff,
    afterName,
    byBytes: byBytes.contentType,
    byExtension: byExtension.contentType,
    bytesFilename: bytes.filename,
  }),
);

#!/usr/bin/env node
// Every name a published package exports — and every property and method of the interfaces, classes and object
// types it exports — carries a JSDoc comment. Prints what does not, and exits 1. Generated OpenAPI types are
// documented by their spec and skipped. Usage: node scripts/check-jsdoc.mjs
import { join } from "node:path";
import ts from "typescript";
import { ROOT } from "./lib/providers.mjs";

const ENTRIES = [
  "multipart/src/index.ts",
  "multipart/src/errors-entry.ts",
  "fanvue/src/index.ts",
  "ofauth/src/index.ts",
  "record360/src/index.ts",
  "flowkiwi/src/index.ts",
  "providers/src/index.ts",
  "sandbox/src/index.ts",
].map((entry) => join(ROOT, "packages", entry));

const config = ts.getParsedCommandLineOfConfigFile(
  join(ROOT, "tsconfig.docs.json"),
  {},
  { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} },
);
const program = ts.createProgram(ENTRIES, config.options);
const checker = program.getTypeChecker();
const missing = new Set();
const seen = new Set();

const documented = (symbol) =>
  symbol.getDocumentationComment(checker).length > 0 || (symbol.getJsDocTags(checker) ?? []).length > 0;
// Generated OpenAPI types, and built .d.ts files (their sources are checked through their own entry points).
const generated = (symbol) => (symbol.declarations ?? []).some((d) => /\/generated\/|\/dist\//.test(d.getSourceFile().fileName));
const where = (symbol) => {
  const declaration = symbol.declarations?.[0];
  if (!declaration) return "";
  const file = declaration.getSourceFile();
  return `${file.fileName.replace(`${ROOT}`, "")}:${file.getLineAndCharacterOfPosition(declaration.getStart()).line + 1}`;
};

function visit(symbol, name) {
  const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
  // A re-export of another package (unresolved before a build) is checked at that package's own entry point.
  if (seen.has(target) || generated(target) || !target.declarations?.length) return;
  seen.add(target);
  if (!documented(target)) missing.add(`${name} (${where(target)})`);
  const isType = target.flags & (ts.SymbolFlags.Interface | ts.SymbolFlags.Class | ts.SymbolFlags.TypeAlias);
  if (!isType) return;
  const type = checker.getDeclaredTypeOfSymbol(target);
  for (const member of checker.getPropertiesOfType(type)) {
    const ownDeclarations = (member.declarations ?? []).filter((d) => !d.getSourceFile().fileName.includes("node_modules"));
    // `_name` and ECMAScript `#name` members are not part of the API.
    if (ownDeclarations.length === 0 || generated(member) || member.name.startsWith("_") || member.name.startsWith("#")) continue;
    if (
      (member.declarations ?? []).some(
        (d) => ts.getCombinedModifierFlags(d) & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected),
      )
    )
      continue;
    if (!documented(member)) missing.add(`${name}.${member.name} (${where(member)})`);
  }
}

for (const entry of ENTRIES) {
  const module = checker.getSymbolAtLocation(program.getSourceFile(entry));
  for (const symbol of checker.getExportsOfModule(module)) visit(symbol, symbol.name);
}
if (missing.size > 0) {
  console.error(`${missing.size} exported name(s) without JSDoc:\n  ${[...missing].sort().join("\n  ")}`);
  process.exit(1);
}
console.log(`Every exported name and member of ${ENTRIES.length} entry points has JSDoc.`);

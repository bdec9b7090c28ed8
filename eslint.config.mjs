// `pnpm lint:lines`: no hand-written file over 400 lines (sources, tests, scripts, examples). ESLint's max-lines counts
// every physical line; Biome's noExcessiveLinesPerFile (2.6) counts a multi-line block comment as one line, so a
// 401-line file with JSDoc passed it. ESLint does this one job here; Biome does the rest of the linting. What is
// ignored is what is generated or built (the same as .gitignore, and the specs' generated documents).
import typescriptParser from "@typescript-eslint/parser";

export default [
  {
    ignores: [
      "**/generated/**",
      "**/dist/**",
      "**/node_modules/**",
      "**/.turbo/**",
      "**/.next/**",
      "**/.page/**",
      "**/coverage/**",
      "**/.uploadkit/**",
      "**/.results/**",
      "**/.compile-verdict/**",
      "**/.readme-example-*",
      "specs/**",
    ],
  },
  {
    files: ["**/*.ts", "**/*.tsx", "**/*.mts", "**/*.cts", "**/*.mjs", "**/*.cjs", "**/*.js"],
    languageOptions: { parser: typescriptParser },
    linterOptions: { reportUnusedDisableDirectives: "off", noInlineConfig: true },
    rules: { "max-lines": ["error", { max: 400, skipBlankLines: false, skipComments: false }] },
  },
];

// The TypeScript examples in a package README, and the prelude each needs to run or compile on its own: an import
// of the package as `__pkg`, and the names the README's earlier blocks set up (FIXTURES). Used by
// scripts/readme-examples.mjs (runs them) and scripts/lib/compile-verdict.mjs (type-checks them against new types).

/** Names a README's later blocks take from its earlier ones, each set up the way the README's first block does. */
export const FIXTURES = {
  fanvue: {
    fanvue: `const fanvue = __pkg.createFanvueClient({ token: process.env.FANVUE_TOKEN });`,
    uuid: `const uuid = (await fanvue.uploadMedia("./sunset.mp4")).mediaUuid;`,
    file: `const file = "./sunset.mp4";`,
    loadRefreshToken: `const loadRefreshToken = async () => process.env.FANVUE_REFRESH_TOKEN;`,
    saveRefreshToken: `const saveRefreshToken = async (token) => { globalThis.savedRefreshToken = token; };`,
  },
  ofauth: {
    ofauth: `const ofauth = __pkg.createOfauthClient({ apiKey: process.env.OFAUTH_API_KEY, connectionId: process.env.OFAUTH_CONNECTION_ID });`,
    mediaUploadId: `const { mediaUploadId } = await ofauth.uploadMedia("./clip.mp4");`,
  },
  record360: {
    r360: `const r360 = __pkg.createRecord360Client({ token: process.env.RECORD360_TOKEN });`,
  },
  flowkiwi: {
    kiwi: `const kiwi = __pkg.createFlowkiwiClient({ token: process.env.FLOWKIWI_TOKEN, organizationId: process.env.FLOWKIWI_ORGANIZATION_ID, tenant: process.env.FLOWKIWI_TENANT });`,
    media: `const media = await kiwi.uploadMedia("./tshirt-red-front.jpg");`,
    file: `const file = "./tshirt-red-front.jpg";`,
  },
  multipart: {
    openSource: `const { openSource } = __pkg;`,
    presignPart: `const presignPart = async (partNumber) => \`\${process.env.PART_SERVER}/part/\${partNumber}\`;`,
    createUploadSession: `const createUploadSession = async () => ({ uploadId: "example" });`,
    completeUpload: `const completeUpload = async (_session, etags) => { if (etags.length === 0) throw new Error("no parts"); };`,
    parts: `const parts = __pkg.planParts((await __pkg.openSource("./big.mp4")).size, __pkg.S3_PART_RULES);`,
    target: `const target = (part) => ({ url: \`\${process.env.PART_SERVER}/part/\${part.partNumber}\` });`,
  },
};

/** Each ```ts block of a README: its code and the README line its first line of code is on. */
export function readmeBlocks(readme) {
  return [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => ({
    code: match[1],
    line: readme.slice(0, match.index).split("\n").length + 1,
  }));
}

/** The fixtures this block uses (or that those rest on) but does not declare, after an import of its package. */
export function prelude(name, packageName, block) {
  const fixtures = Object.entries(FIXTURES[name] ?? {});
  const declares = (identifier) =>
    new RegExp(`\\b(const|let|var)\\s+(\\{[^}]*\\b${identifier}\\b[^}]*\\}|${identifier})\\s*=`).test(block) ||
    new RegExp(`import\\s*\\{[^}]*\\b${identifier}\\b[^}]*\\}`).test(block);
  // Words in code only: comments and strings name things ("GET /media/{uuid}") without using them.
  const code = block.replace(/\/\/.*$/gm, "").replace(/"(?:[^"\\\n]|\\.)*"/g, '""');
  const needed = new Set(code.match(/\b\w+\b/g));
  const included = new Set();
  for (const [identifier, code] of [...fixtures].reverse()) {
    if (!needed.has(identifier) || declares(identifier)) continue;
    included.add(identifier);
    for (const word of code.match(/\b\w+\b/g)) needed.add(word);
  }
  const lines = fixtures.filter(([identifier]) => included.has(identifier)).map(([, code]) => code);
  return `import * as __pkg from "${packageName}";\n${lines.join("\n")}\n`;
}

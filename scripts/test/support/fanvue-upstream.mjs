import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import YAML from "yaml";
import { mergeFragments } from "../../lib/merge-fragments.mjs";
import { ROOT } from "../../lib/providers.mjs";

/** The Fanvue document as a newer full upstream drop would be: every published page's operations in one file. */
export const fanvueUpstream = () =>
  mergeFragments(
    readdirSync(join(ROOT, "specs/fanvue/upstream"))
      .sort()
      .map((name) => YAML.parse(readFileSync(join(ROOT, "specs/fanvue/upstream", name), "utf8"))),
  );

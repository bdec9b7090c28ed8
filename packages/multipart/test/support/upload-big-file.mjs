// Child process for the memory test: uploads a file to a sink with the built package and prints memory figures.
import { openSource, planParts, S3_PART_RULES, uploadParts } from "../../dist/index.js";

const [path, origin] = process.argv.slice(2);
const source = await openSource(path);
const parts = planParts(source.size, S3_PART_RULES);
globalThis.gc?.();
const baselineRss = process.memoryUsage().rss;
const started = performance.now();
await uploadParts({ source, parts, concurrency: 4, target: (part) => ({ url: `${origin}/part/${part.partNumber}` }) });
const seconds = (performance.now() - started) / 1000;
const peakRss = process.resourceUsage().maxRSS * 1024;
console.log(
  JSON.stringify({ size: source.size, parts: parts.length, baselineRss, peakRss, growth: peakRss - baselineRss, seconds }),
);

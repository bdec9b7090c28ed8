// Child process entry: runs one contestant on one file and prints its Measurement as JSON.
// Only the contestant's own module is loaded, so its memory is all that is measured.
import type { Job, Measurement } from "../job.js";

const job = JSON.parse(process.argv[2] as string) as Job;
const module = job.contestant.startsWith("uploadkit") ? "uploadkit" : job.contestant;
const { upload } = (await import(`./${module}.js`)) as { upload: (job: Job) => Promise<void> };
const cpuBefore = process.cpuUsage();
const started = performance.now();
await upload(job);
const seconds = (performance.now() - started) / 1000;
const cpuDuring = process.cpuUsage(cpuBefore);
const usage = process.resourceUsage();
const measurement: Measurement = {
  seconds,
  peakRssBytes: usage.maxRSS * 1024,
  cpuSeconds: (usage.userCPUTime + usage.systemCPUTime) / 1e6,
  uploadCpuSeconds: (cpuDuring.user + cpuDuring.system) / 1e6,
};
console.log(JSON.stringify(measurement));
process.exit(0);

// The browser section's page (bundled by esbuild for the browser, as a web app bundles @uploadkit/multipart): the
// same File's parts uploaded by uploadkit (MD5s in its Web Worker, each checked against the store's ETag) and by a
// plain loop of fetch PUTs with no check, each timed, with the longest time the main thread was busy meanwhile.
import { openSource, planParts, S3_PART_RULES, uploadParts } from "@uploadkit/multipart";

/** Watches the main thread: Long Tasks (≥ 50 ms, exact) and a 10 ms timer's lateness (shorter tasks). */
function watchMainThread() {
  let longest = 0;
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) longest = Math.max(longest, entry.duration);
  });
  observer.observe({ type: "longtask" });
  let stopped = false;
  let due = performance.now() + 10;
  const tick = () => {
    const now = performance.now();
    longest = Math.max(longest, now - due);
    due = now + 10;
    if (!stopped) setTimeout(tick, 10);
  };
  setTimeout(tick, 10);
  return () => {
    stopped = true;
    observer.disconnect();
    return longest;
  };
}

async function timed(run) {
  const stop = watchMainThread();
  const started = performance.now();
  await run();
  const ms = performance.now() - started;
  return { ms, longestTaskMs: stop() };
}

window.bench = {
  async load(url, name) {
    const response = await fetch(url);
    if (!response.ok) throw new Error(`GET ${url}: ${response.status}`);
    window.benchFile = new File([await response.blob()], name, { type: "application/octet-stream" });
    return window.benchFile.size;
  },
  uploadkit(urls, partSize, concurrency, checksum = true) {
    const file = window.benchFile;
    return timed(async () => {
      const source = await openSource(file);
      const parts = planParts(file.size, { ...S3_PART_RULES, minPartSize: 1, partSize });
      await uploadParts({ source, parts, concurrency, checksum, target: (part) => ({ url: urls[part.partNumber - 1] }) });
    });
  },
  uploadkitNoChecksum(urls, partSize, concurrency) {
    return window.bench.uploadkit(urls, partSize, concurrency, false);
  },
  plain(urls, partSize, concurrency) {
    return eachPart(urls, partSize, concurrency, async (index, body) => {
      const response = await fetch(urls[index], { method: "PUT", body });
      if (!response.ok) throw new Error(`part ${index + 1}: HTTP ${response.status}`);
      await response.arrayBuffer();
    });
  },
};

/**
 * Not a contestant: the File's parts read into the page through `Blob.stream()` (the cheapest read measured, and how
 * uploadkit's hashing worker reads them), and nothing sent. What it costs the machine is part of the ceiling printed
 * beside "uploadkit ÷ plain fetch loop".
 */
window.bench.readParts = (urls, partSize, concurrency) =>
  eachPart(urls, partSize, concurrency, async (_index, part) => {
    const reader = part.stream().getReader();
    while (!(await reader.read()).done) {}
  });

/** Times `work` over every part of the File as a Blob, `concurrency` parts at once. */
function eachPart(urls, partSize, concurrency, work) {
  const file = window.benchFile;
  return timed(async () => {
    let next = 0;
    const lane = async () => {
      while (next < urls.length) {
        const index = next++;
        await work(index, file.slice(index * partSize, Math.min(file.size, (index + 1) * partSize)));
      }
    };
    await Promise.all(Array.from({ length: concurrency }, lane));
  });
}

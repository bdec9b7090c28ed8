// Child process (run with --expose-gc): API calls to a server that never answers must time out even while
// garbage collections run. Prints one line per call.
import { createServer } from "node:http";
import { unwrap } from "../../dist/index.js";
import { createApiClient } from "../../dist/internal.js";

const server = createServer(() => {});
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
const api = createApiClient({
  baseUrl: `http://127.0.0.1:${server.address().port}`,
  credentials: {},
  timeoutMs: 300,
  retry: { maxAttempts: 2, baseDelayMs: 5 },
});
const collector = setInterval(() => globalThis.gc(), 50);
for (let i = 0; i < 5; i++) {
  const outcome = await Promise.race([
    unwrap(api.GET("/x", {})).then(
      () => "resolved",
      (error) => error.code,
    ),
    new Promise((resolve) => setTimeout(() => resolve("HUNG"), 5000)),
  ]);
  console.log(outcome);
}
clearInterval(collector);
server.closeAllConnections();
server.close();

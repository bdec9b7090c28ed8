import { fileURLToPath } from "node:url";

// The app's node_modules is two folders up (the frameworks share one install): Turbopack's root must hold it.
const root = fileURLToPath(new URL("../..", import.meta.url));
export default { turbopack: { root }, outputFileTracingRoot: root };

import { describeEveryOperation, type OperationsClient } from "@uploadkit/testkit";
import { createFanvueClient } from "../src/index.js";

describeEveryOperation(
  "fanvue",
  (origin) => createFanvueClient({ token: "contract-token", baseUrl: origin, retry: { maxAttempts: 1 } }).api as OperationsClient,
);

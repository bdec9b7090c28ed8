import { describeEveryOperation, type OperationsClient } from "@uploadkit/testkit";
import { createRecord360Client } from "../src/index.js";

describeEveryOperation(
  "record360",
  (origin) =>
    createRecord360Client({ token: "contract-token", baseUrl: origin, retry: { maxAttempts: 1 } }).api as OperationsClient,
);

import { describeEveryOperation, type OperationsClient } from "@uploadkit/testkit";
import { createOfauthClient } from "../src/index.js";

describeEveryOperation(
  "ofauth",
  (origin) =>
    createOfauthClient({ apiKey: "contract-key", connectionId: "conn_contract", baseUrl: origin, retry: { maxAttempts: 1 } })
      .api as OperationsClient,
);

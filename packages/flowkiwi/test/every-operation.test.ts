import { describeEveryOperation, type OperationsClient } from "@uploadkit/testkit";
import { createFlowkiwiClient } from "../src/index.js";

describeEveryOperation(
  "flowkiwi",
  (origin) =>
    createFlowkiwiClient({ token: "contract-token", organizationId: "org-contract", baseUrl: origin, retry: { maxAttempts: 1 } })
      .api as OperationsClient,
);

export type { ChaosCounts, ChaosOptions, FaultKind } from "./chaos/chaos.js";
export { type LedgerPart, verifyCompletion } from "./gateway/part-ledger.js";
export type { RateLimitCounts, RateLimitSettings } from "./http/rate-limit.js";
export type { LoggedRequest } from "./http/request-log.js";
export { FANVUE_DEFAULTS, type FanvueFakeOptions, type FanvueMessage } from "./providers/fanvue-fake.js";
export { FLOWKIWI_DEFAULTS, type FlowkiwiFakeOptions } from "./providers/flowkiwi-fake.js";
export { OFAUTH_DEFAULTS, type OfauthFakeOptions } from "./providers/ofauth-fake.js";
export { RECORD360_CONTENT_TYPES, RECORD360_DEFAULTS, type Record360FakeOptions } from "./providers/record360-fake.js";
export { runSandbox, sandboxOptionsFromArgs } from "./run-sandbox.js";
export { removeScratch, scratchDir } from "./scratch.js";
export {
  PROVIDER_NAMES,
  type ProviderName,
  type Sandbox,
  type SandboxOptions,
  type SandboxProvider,
  startSandbox,
} from "./start-sandbox.js";
export { type EmbeddedS3, startEmbeddedS3 } from "./store/embedded-s3.js";
export {
  CEPH_PACKAGES,
  CephNotInstalledError,
  type LocalCeph,
  type LocalCephOptions,
  missingCephCommands,
  startLocalCeph,
} from "./store/local-ceph.js";
export { type S3Config, s3ConfigFromEnv } from "./store/store-config.js";

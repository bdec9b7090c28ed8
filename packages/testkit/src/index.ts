export { stopOnExit } from "./child-processes.js";
export { CHROMIUM, launchChromium } from "./chromium.js";
export { type CuttableProxy, startCuttableProxy } from "./cuttable-proxy.js";
export { describeEveryOperation, type OperationsClient } from "./every-operation.js";
export { freePort, type PrismServer, type ProviderSpec, prefer, specPath, startPrism, violations } from "./prism.js";
export { type Handler, type RecordedRequest, type RecordingServer, sendJson, startRecordingServer } from "./recording-server.js";
export { type RedisServer, redisServerPath, startRedisServer } from "./redis-server.js";
export { loadSpec, type SampledCall, type SpecOperation, sampleCall, specOperations } from "./spec-operations.js";
export { createSpecValidator, type ExchangeToCheck } from "./spec-validator.js";

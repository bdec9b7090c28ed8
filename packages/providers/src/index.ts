export { FANVUE_LIMITS, FLOWKIWI_LIMITS, OFAUTH_LIMITS, RECORD360_CONTENT_TYPES, RECORD360_LIMITS } from "./limits.js";
export {
  baseUrlFromEnvironment,
  type CredentialDescriptor,
  PROVIDER_NAMES,
  PROVIDERS,
  type ProviderDescriptor,
  type ProviderName,
  providerDescriptor,
} from "./registry.js";

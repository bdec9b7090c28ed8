import { PACKAGE_VERSION } from "../generated/version.js";

/** This package's version, for the User-Agent. */
export const VERSION: string = PACKAGE_VERSION;

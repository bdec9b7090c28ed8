import type { components } from "./generated/openapi.js";

/** A Flowkiwi Media resource (JSON-LD): `@id` is the IRI products and variants reference. */
export type FlowkiwiMedia = components["schemas"]["Media"];

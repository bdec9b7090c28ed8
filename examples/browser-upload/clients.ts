// The clients the page and its Web Worker upload with, from the page's config: one place for both.
import { createFanvueClient } from "@uploadkit/fanvue";
import { createFlowkiwiClient } from "@uploadkit/flowkiwi";
import { createRecord360Client } from "@uploadkit/record360";

export type Provider = "fanvue" | "record360" | "flowkiwi";

export interface PageConfig {
  fanvue: { baseUrl: string; token: string };
  record360: { baseUrl: string; token: string };
  flowkiwi: { baseUrl: string; token: string; organizationId: string };
}

/** Client options besides the provider's own (logging, the stall watchdog…). */
export type CommonClientOptions = Omit<Parameters<typeof createRecord360Client>[0], "baseUrl" | "token">;

/** The user's token, asked again with `forceRefresh` after the API refused it with 401. */
export type TokenSource = (context: { forceRefresh: boolean }) => Promise<string> | string;

/** The client for `provider` on the page's config, with `token` as the user's token. */
export function clientFor(provider: Provider, config: PageConfig, token: TokenSource, common: CommonClientOptions = {}) {
  switch (provider) {
    case "fanvue":
      return createFanvueClient({ ...common, baseUrl: config.fanvue.baseUrl, token });
    case "record360":
      return createRecord360Client({ ...common, baseUrl: config.record360.baseUrl, token });
    case "flowkiwi":
      return createFlowkiwiClient({ ...common, ...config.flowkiwi, token });
  }
}

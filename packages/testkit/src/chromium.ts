import { existsSync } from "node:fs";
import { type Browser, chromium } from "playwright-core";

/** Debian's Chromium (`apt-get install chromium`), or the one `UPLOADKIT_CHROMIUM` names. */
export const CHROMIUM = process.env.UPLOADKIT_CHROMIUM ?? "/usr/bin/chromium";

/** Headless Chromium with no network beyond what the page asks for (this machine reaches no other host). */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `No Chromium at ${CHROMIUM}: install Debian's (apt-get install -y --no-install-recommends chromium) or set UPLOADKIT_CHROMIUM.`,
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

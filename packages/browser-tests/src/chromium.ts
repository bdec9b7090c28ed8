export { CHROMIUM, launchChromium } from "@uploadkit/testkit";

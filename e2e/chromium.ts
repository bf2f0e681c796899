/** Where Debian's Chromium is and how the end-to-end tests start it. */
/**
 * Debian's Chromium for the end-to-end tests: where it is and how it is started (headless, and
 * with the background networking off: this machine's network is closed to everything else).
 */
import { chromium, type BrowserContext } from 'playwright-core';

/** The Chromium binary (`CHROMIUM_PATH`, else Debian's). */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Starts Chromium headless with a persistent profile in `userDataDir`. */
export function launchChromium(userDataDir: string, viewport: { width: number; height: number }): Promise<BrowserContext> {
  return chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    viewport,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

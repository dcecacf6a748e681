/**
 * Launches Debian's Chromium through playwright-core. When Chromium is missing the browser
 * suites are skipped locally, but under CI=true a missing browser is a failure, never a skip.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/**
 * Debian's `chromium-headless-shell` (Chromium's own headless build: Blink without the browser's
 * windows, toolbars and their WebUI renderers) when installed, which halves the CPU the browser
 * suites cost (measured in session 7: 138 → 57 CPU-seconds for two suites); else the full `chromium`.
 */
const HEADLESS_SHELL = '/usr/bin/chromium-headless-shell';
/** The full browser, for what the headless build does not have (it denies notifications outright). */
export const FULL_CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? (existsSync(HEADLESS_SHELL) ? HEADLESS_SHELL : FULL_CHROMIUM_PATH);

export const hasChromium = existsSync(CHROMIUM_PATH) && existsSync(FULL_CHROMIUM_PATH);

if (!hasChromium && process.env.CI === 'true') {
  throw new Error(`Chromium not found at ${FULL_CHROMIUM_PATH}; CI must install it (apt-get install -y chromium chromium-headless-shell).`);
}

/** `full`: the full Chromium even when the headless build is installed. */
export function launchBrowser(opts: { full?: boolean } = {}): Promise<Browser> {
  return chromium.launch({
    executablePath: opts.full ? FULL_CHROMIUM_PATH : CHROMIUM_PATH,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync', '--disable-quic'],
  });
}

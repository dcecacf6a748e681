/**
 * The console as an installable web app in Chromium: its manifest and icons, a service worker
 * that serves the app shell offline (and never API answers), and desktop notifications for a new
 * chat or message while the tab is in the background — asked for by the agent, and switchable off.
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { hasChromium } from '../helpers/browser';
import { T, signInToConsole, textOf, useServerAndBrowser } from '../helpers/e2e';

// The full browser: this suite needs its notification permission prompt (the headless build denies it).
const ctx = useServerAndBrowser({}, { full: true });

/**
 * Records every Notification the page creates (the real one is still shown), counts permission
 * requests, and lets the test put the tab in the background (headless Chromium keeps every page
 * visible, so visibilityState is overridden while `__background` is set).
 */
const SPY = () => {
  const w = window as unknown as { __shown: { title: string; body?: string | undefined }[]; __notes: Notification[]; __asked: number; __background: boolean };
  w.__shown = [];
  w.__notes = [];
  w.__asked = 0;
  w.__background = false;
  const Real = window.Notification;
  class Spy extends Real {
    constructor(title: string, options?: NotificationOptions) {
      super(title, options);
      w.__shown.push({ title, body: options?.body });
      w.__notes.push(this);
    }
  }
  Object.defineProperty(Spy, 'permission', { get: () => Real.permission });
  Object.defineProperty(Spy, 'requestPermission', {
    value: () => {
      w.__asked++;
      return Real.requestPermission();
    },
  });
  (window as unknown as { Notification: typeof Notification }).Notification = Spy as unknown as typeof Notification;
  Object.defineProperty(document, 'visibilityState', { get: () => (w.__background ? 'hidden' : 'visible') });
  Object.defineProperty(document, 'hidden', { get: () => w.__background });
};

const shown = (page: Page) => page.evaluate(() => (window as unknown as { __shown: { title: string; body?: string }[] }).__shown);

async function shopperWrites(text: string) {
  const context = await ctx.browser.newContext({ locale: 'es-ES' });
  const shop = await context.newPage();
  await shop.goto(`${ctx.server.origin}/demo/`);
  await shop.getByRole('button', { name: /chat/i }).click();
  const panel = shop.frameLocator('iframe[title*="chat" i]');
  await panel.getByRole('textbox', { name: 'Mensaje' }).fill(text);
  await panel.getByRole('button', { name: 'Enviar' }).click();
  await expect.poll(() => panel.getByRole('log').innerText(), T).toContain(text);
  return { context, panel };
}

describe.runIf(hasChromium)('installable console', () => {
  it('serves a valid manifest in es and en, and icons a browser decodes', async () => {
    const res = await fetch(`${ctx.server.origin}/console/manifest.webmanifest`, { headers: { 'Accept-Language': 'es-ES,es;q=0.9' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/manifest\+json/);
    const manifest = (await res.json()) as Record<string, unknown> & { icons: { src: string; sizes: string; type: string; purpose: string }[] };
    expect(manifest).toMatchObject({ name: 'Mostrador', short_name: 'Mostrador', start_url: '/console/', scope: '/console/', display: 'standalone', lang: 'es' });
    expect(String(manifest.description)).toMatch(/consola/i);
    expect(manifest.theme_color).toMatch(/^#[0-9a-f]{6}$/);
    expect(manifest.icons.map((i) => [i.sizes, i.purpose])).toEqual([
      ['192x192', 'any'],
      ['512x512', 'any'],
      ['512x512', 'maskable'],
    ]);
    const en = (await (await fetch(`${ctx.server.origin}/console/manifest.webmanifest`, { headers: { 'Accept-Language': 'en-US' } })).json()) as { lang: string; description: string };
    expect(en.lang).toBe('en');
    expect(en.description).toMatch(/console/);

    const page = await ctx.browser.newPage();
    await page.goto(`${ctx.server.origin}/console/`);
    expect(await page.locator('link[rel=manifest]').getAttribute('href')).toBe('/console/manifest.webmanifest');
    for (const icon of manifest.icons) {
      const size = await page.evaluate(async (src) => {
        const img = new Image();
        img.src = src;
        await img.decode();
        return `${img.naturalWidth}x${img.naturalHeight}`;
      }, icon.src);
      expect(size).toBe(icon.sizes);
    }
    await page.close();
  });

  it('registers a service worker that serves the shell offline and never an API answer', async () => {
    const context = await ctx.browser.newContext({ locale: 'en-US' });
    const page = await context.newPage();
    await page.goto(`${ctx.server.origin}/console/`);
    const scope = await page.evaluate(async () => (await navigator.serviceWorker.ready).scope);
    expect(scope).toBe(`${ctx.server.origin}/console/`);
    // Controlled after a reload; then the network goes away.
    await page.reload();
    await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null), T).toBe(true);
    const cached = await page.evaluate(async () => {
      const urls: string[] = [];
      for (const name of await caches.keys()) for (const r of await (await caches.open(name)).keys()) urls.push(new URL(r.url).pathname);
      return urls;
    });
    expect(cached).toContain('/console/');
    expect(cached.some((u) => /^\/assets\/console-.*\.js$/.test(u))).toBe(true);
    expect(cached.filter((u) => u.startsWith('/api/') || u.startsWith('/ws/') || u.startsWith('/files/'))).toEqual([]);

    await context.setOffline(true);
    await page.reload();
    // The shell starts with no network: the console's own page and scripts, from the cache; it
    // says it cannot reach the server (not "signed out").
    await expect.poll(() => page.getByRole('status').innerText(), T).toBe('No connection to the server. The console opens when the network is back.');
    // An API request is not answered from any cache.
    expect(await page.evaluate(() => fetch('/api/agent/me').then(() => 'answered', () => 'network error'))).toBe('network error');
    // Back online: the console goes on by itself.
    await context.setOffline(false);
    await page.getByRole('button', { name: 'Sign in' }).waitFor(T);
    await context.close();
  });

  it('notifies a new chat and a new message while the tab is in the background, after the agent turned it on; the setting turns it off', async () => {
    const context = await ctx.browser.newContext({ locale: 'en-US' });
    await context.addInitScript(SPY);
    const agent = await context.newPage();
    await signInToConsole(agent, ctx.server.origin);
    await agent.getByRole('button', { name: 'Alerts', exact: true }).waitFor();
    // Never asked on load.
    expect(await agent.evaluate(() => (window as unknown as { __asked: number }).__asked)).toBe(0);
    await agent.getByRole('button', { name: 'Alerts', exact: true }).click();
    await agent.getByRole('menuitem', { name: 'Desktop alerts' }).click();
    expect(await agent.evaluate(() => (window as unknown as { __asked: number }).__asked)).toBe(1);

    // The agent allows them (the browser's prompt, granted here through the context).
    await context.grantPermissions(['notifications'], { origin: ctx.server.origin });
    await agent.reload();
    await agent.getByRole('button', { name: 'Alerts', exact: true }).click();
    const toggle = agent.getByRole('menuitemcheckbox', { name: 'Desktop alerts' });
    expect(await toggle.getAttribute('aria-checked')).toBe('true');
    await agent.keyboard.press('Escape');

    // In the foreground: no notification.
    const first = await shopperWrites('Hola, ¿tenéis la taza en azul?');
    await agent.getByRole('button', { name: /taza en azul/ }).waitFor(T);
    expect(await shown(agent)).toEqual([]);

    // In the background: a new chat and a new message are notified.
    await agent.evaluate(() => ((window as unknown as { __background: boolean }).__background = true));
    const second = await shopperWrites('¿Hacéis envíos a Portugal?');
    await expect.poll(() => shown(agent), T).toContainEqual({ title: 'New conversation', body: expect.stringContaining('Portugal') });
    await first.panel.getByRole('textbox', { name: 'Mensaje' }).fill('¿Y en verde?');
    await first.panel.getByRole('button', { name: 'Enviar' }).click();
    await expect.poll(() => shown(agent), T).toContainEqual({ title: expect.stringMatching(/^New message from/), body: '¿Y en verde?' });
    // Clicking a notification opens its chat (here the new one, about Portugal) and closes it.
    await agent.evaluate(() => {
      const notes = (window as unknown as { __notes: Notification[] }).__notes;
      notes.find((n) => n.body.includes('Portugal'))!.dispatchEvent(new Event('click'));
    });
    await expect.poll(textOf(agent.getByRole('log')), T).toContain('¿Hacéis envíos a Portugal?');
    expect(await textOf(agent.getByRole('log'))()).not.toContain('¿Y en verde?');

    // Turned off in the alerts menu: nothing more, and it stays off after a reload.
    await agent.evaluate(() => ((window as unknown as { __background: boolean }).__background = false));
    await agent.getByRole('button', { name: 'Alerts', exact: true }).click();
    await toggle.click();
    expect(await toggle.getAttribute('aria-checked')).toBe('false');
    await agent.reload();
    await agent.getByRole('button', { name: 'Alerts', exact: true }).waitFor();
    await agent.evaluate(() => ((window as unknown as { __background: boolean }).__background = true));
    const before = (await shown(agent)).length;
    expect(before).toBe(0);
    await second.panel.getByRole('textbox', { name: 'Mensaje' }).fill('¿Cuánto cuesta?');
    await second.panel.getByRole('button', { name: 'Enviar' }).click();
    await agent.getByRole('button', { name: /Cuánto cuesta/ }).waitFor(T);
    expect(await shown(agent)).toEqual([]);
    await first.context.close();
    await second.context.close();
    await context.close();
  });
});

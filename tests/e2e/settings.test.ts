import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Locator } from 'playwright-core';
import { hasChromium, launchBrowser } from '../helpers/browser';
import { startTestServer, type TestServer } from '../helpers/server';

let server: TestServer;
let browser: Browser;
const T = { timeout: 10_000 };
const textOf = (l: Locator) => () => l.innerText();

beforeAll(async () => {
  server = await startTestServer();
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.destroy();
});

describe.runIf(hasChromium)('admin settings', () => {
  it('show the embed snippet and restyle an open widget without a reload', async () => {
    const shopperContext = await browser.newContext({ locale: 'es-ES' });
    const shop = await shopperContext.newPage();
    await shop.goto(`${server.origin}/demo/`);
    await shop.getByRole('button', { name: /chat/i }).click();
    const panel = shop.frameLocator('iframe[title*="chat" i]');
    await expect.poll(textOf(panel.getByRole('log')), T).toContain('¿En qué podemos ayudarte?');

    const adminContext = await browser.newContext({ locale: 'en-US' });
    const admin = await adminContext.newPage();
    await admin.goto(`${server.origin}/console/`);
    await admin.getByLabel('Email').fill('ana@example.com');
    await admin.getByLabel('Password').fill('mostrador');
    await admin.getByRole('button', { name: 'Sign in' }).click();
    await admin.getByRole('button', { name: 'Settings' }).click();
    const settings = admin.getByRole('main', { name: 'Settings' });
    await expect.poll(textOf(settings), T).toContain('data-site="pk_demo"');
    expect(await settings.innerText()).not.toContain('sk_demo_secret');

    await admin.getByLabel('Shop name').fill('Café La Esquina · Malasaña');
    await admin.getByLabel('Colour').fill('#225522');
    await admin.getByLabel('Greeting (Spanish)').fill('¡Buenas! Pregúntanos lo que quieras.');
    await admin.getByRole('form', { name: 'Branding' }).getByRole('button', { name: 'Save' }).click();
    await expect.poll(textOf(admin.getByRole('form', { name: 'Branding' })), T).toContain('Saved');

    // The open widget follows at once: name, greeting and the launcher's colour.
    await expect.poll(textOf(panel.locator('header')), T).toContain('Malasaña');
    await expect.poll(textOf(panel.getByRole('log')), T).toContain('¡Buenas! Pregúntanos lo que quieras.');
    const launcherColor = () => shop.locator('[data-mostrador]').evaluate((el) => (el as HTMLElement).style.getPropertyValue('--mostrador-color'));
    await expect.poll(launcherColor, T).toBe('#225522');
    await shopperContext.close();
    await adminContext.close();
  });
});

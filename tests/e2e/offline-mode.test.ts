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

describe.runIf(hasChromium)('offline mode', () => {
  it('asks for an email when nobody is online, and shows who is online once an agent signs in', async () => {
    const shopperContext = await browser.newContext({ locale: 'es-ES' });
    const shop = await shopperContext.newPage();
    await shop.goto(`${server.origin}/demo/`);
    await shop.getByRole('button', { name: /chat/i }).click();
    const panel = shop.frameLocator('iframe[title*="chat" i]');
    const form = panel.getByRole('form', { name: /no hay nadie conectado/ });
    await form.waitFor(T);
    await form.getByLabel('Tu email').fill('no-es-un-email');
    await form.getByRole('button', { name: 'Guardar' }).click();
    await expect.poll(textOf(form), T).toContain('Escribe un email válido');
    await form.getByLabel('Tu email').fill('elena@example.com');
    await form.getByRole('button', { name: 'Guardar' }).click();
    await expect.poll(textOf(panel.locator('.offline-note')), T).toContain('elena@example.com');
    // The shopper can still write; the message waits for the team.
    await panel.getByRole('textbox', { name: 'Mensaje' }).fill('¿Abrís el domingo?');
    await panel.getByRole('button', { name: 'Enviar' }).click();

    const agentContext = await browser.newContext({ locale: 'en-US' });
    const agent = await agentContext.newPage();
    await agent.goto(`${server.origin}/console/`);
    await agent.getByLabel('Email').fill('luis@example.com');
    await agent.getByLabel('Password').fill('mostrador');
    await agent.getByRole('button', { name: 'Sign in' }).click();
    // Luis is online now: the widget says so.
    await expect.poll(textOf(panel.locator('header')), T).toContain('Luis');
    await agent.getByRole('button', { name: /Abrís el domingo/ }).click();
    await expect.poll(textOf(agent.getByRole('complementary', { name: 'Customer' })), T).toContain('elena@example.com');
    await shopperContext.close();
    await agentContext.close();
  });
});

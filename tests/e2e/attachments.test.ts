import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { hasChromium, launchBrowser } from '../helpers/browser';
import { startTestServer, type TestServer } from '../helpers/server';
import { png } from '../helpers/png';

let server: TestServer;
let browser: Browser;
const T = { timeout: 10_000 };


beforeAll(async () => {
  server = await startTestServer();
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.destroy();
});

describe.runIf(hasChromium)('attachments in the browser', () => {
  it('a shopper sends a photo and the agent sees it; a disguised file is refused with a message', async () => {
    const shopperContext = await browser.newContext({ locale: 'es-ES' });
    const shop = await shopperContext.newPage();
    await shop.goto(`${server.origin}/demo/`);
    await shop.getByRole('button', { name: /chat/i }).click();
    const panel = shop.frameLocator('iframe[title*="chat" i]');
    await panel.getByRole('button', { name: 'Adjuntar archivo' }).waitFor();
    await panel.locator('input[type=file]').setInputFiles({ name: 'taza-rota.png', mimeType: 'image/png', buffer: png() });
    const shopperImage = panel.getByRole('log').getByRole('img', { name: 'taza-rota.png' });
    await expect.poll(() => shopperImage.count(), T).toBe(1);
    await expect.poll(() => shopperImage.evaluate((img) => (img as HTMLImageElement).naturalWidth), T).toBe(1);

    await panel.locator('input[type=file]').setInputFiles({ name: 'virus.pdf', mimeType: 'application/pdf', buffer: Buffer.from('<script>alert(1)</script>') });
    await expect.poll(() => panel.locator('.uploads').innerText(), T).toContain('Envía imágenes');

    const agentContext = await browser.newContext({ locale: 'en-US' });
    const agent = await agentContext.newPage();
    await agent.goto(`${server.origin}/console/`);
    await agent.getByLabel('Email').fill('ana@example.com');
    await agent.getByLabel('Password').fill('mostrador');
    await agent.getByRole('button', { name: 'Sign in' }).click();
    await agent.getByRole('button', { name: /taza-rota\.png/ }).click();
    const agentImage = agent.getByRole('log').getByRole('img', { name: 'taza-rota.png' });
    await expect.poll(() => agentImage.count(), T).toBe(1);
    await expect.poll(() => agentImage.evaluate((img) => (img as HTMLImageElement).naturalWidth), T).toBe(1);
    await shopperContext.close();
    await agentContext.close();
  });
});

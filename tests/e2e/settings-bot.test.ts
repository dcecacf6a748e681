/** An admin plugs the shop's own bot in from the console; the shopper's next message reaches it. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium } from '../helpers/browser';
import { T, textOf, signInToConsole, useServerAndBrowser } from '../helpers/e2e';

const ctx = useServerAndBrowser({ bot: true, env: { ALLOW_PRIVATE_NETWORK_TARGETS: '1' } });
let bot: Server;
let botUrl: string;
const received: string[] = [];

beforeAll(async () => {
  bot = createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      const body = JSON.parse(raw) as { message: { text: string } };
      received.push(String(req.headers['x-mostrador-signature']));
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ replies: [{ text: `Bot propio: recibido «${body.message.text}»` }] }));
    });
  });
  await new Promise<void>((r) => bot.listen(0, '127.0.0.1', r));
  botUrl = `http://127.0.0.1:${(bot.address() as AddressInfo).port}/bot`;
});
afterAll(async () => {
  bot.closeAllConnections();
  await new Promise<void>((r) => bot.close(() => r()));
});

describe.runIf(hasChromium)('the shop’s own bot in settings', () => {
  it('is set in the console (secret shown once) and answers the shopper', async () => {
    const adminContext = await ctx.browser.newContext({ locale: 'en-US' });
    await adminContext.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: ctx.server.origin });
    const admin = await adminContext.newPage();
    await signInToConsole(admin, ctx.server.origin);
    await admin.getByRole('button', { name: 'Settings' }).click();
    const form = admin.getByRole('form', { name: 'Your own bot' });
    await expect.poll(textOf(form), T).toContain('Not set');
    await form.getByLabel('Bot URL').fill(botUrl);
    await form.getByRole('radio', { name: 'the chat goes to people' }).check();
    await form.getByRole('button', { name: 'Save' }).click();
    await expect.poll(textOf(form), T).toContain('Shown only now');
    const secret = await form.locator('code.secret').innerText();
    expect(secret).toMatch(/^bsec_/);
    await form.getByRole('button', { name: 'Copy key' }).click();
    expect(await admin.evaluate(() => navigator.clipboard.readText())).toBe(secret);

    // Reloading never shows the secret again, but keeps the settings.
    await admin.reload();
    await admin.getByRole('button', { name: 'Settings' }).click();
    const again = admin.getByRole('form', { name: 'Your own bot' });
    await expect.poll(() => again.getByLabel('Bot URL').inputValue(), T).toBe(botUrl);
    expect(await again.innerText()).not.toContain('bsec_');
    expect(await again.getByRole('radio', { name: 'the chat goes to people' }).isChecked()).toBe(true);

    const shopperContext = await ctx.browser.newContext({ locale: 'es-ES' });
    const shop = await shopperContext.newPage();
    await shop.goto(`${ctx.server.origin}/demo/`);
    await shop.getByRole('button', { name: 'Abrir chat' }).click();
    const panel = shop.frameLocator('iframe[title*="chat" i]');
    await panel.getByRole('textbox', { name: 'Mensaje' }).fill('¿Hacéis envíos a Canarias?');
    await panel.getByRole('textbox', { name: 'Mensaje' }).press('Enter');
    await expect.poll(textOf(panel.getByRole('log')), T).toContain('Bot propio: recibido «¿Hacéis envíos a Canarias?»');
    expect(received).toHaveLength(1);
    expect(received[0]).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);

    await again.getByRole('button', { name: 'Remove the bot' }).click();
    await expect.poll(textOf(again), T).toContain('Not set');
    await shopperContext.close();
    await adminContext.close();
  });
});

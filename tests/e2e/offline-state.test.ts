import { describe, expect, it } from 'vitest';
import type { FrameLocator } from 'playwright-core';
import { hasChromium } from '../helpers/browser';
import { useServerAndBrowser, T, textOf, signInToConsole } from '../helpers/e2e';

const ctx = useServerAndBrowser();

/** Turns the demo site's bot on or off for the next new conversation. */
async function setBot(enabled: boolean): Promise<void> {
  const site = (await ctx.server.store.sites.byPublicKey('pk_demo'))!;
  const bot = typeof site.settings.bot === 'object' && site.settings.bot !== null ? site.settings.bot : {};
  await ctx.server.store.sites.update(site.id, { settings: { ...site.settings, bot: { ...bot, enabled } } });
}

/** Everything the panel shows around the log: header, status line, notes and forms. */
const chrome = (panel: FrameLocator) => async () =>
  (await Promise.all([panel.locator('header').innerText(), panel.locator('.status').innerText(), panel.locator('.panel > form, .offline-note').allInnerTexts()])).flat().join('\n');

// The last test signs an agent in (who stays "online" through the reconnect grace): keep it last.
describe.runIf(hasChromium)('the widget when nobody of the team is online', () => {
  it('hands off from the bot with one offline promise in Spanish: no queue place, no "enseguida", one ask for the email', async () => {
    await setBot(true);
    const shopper = await ctx.browser.newContext({ locale: 'es-ES' });
    const shop = await shopper.newPage();
    await shop.goto(`${ctx.server.origin}/demo/`);
    await shop.getByRole('button', { name: /chat/i }).click();
    const panel = shop.frameLocator('iframe[title*="chat" i]');
    const box = panel.getByRole('textbox', { name: 'Mensaje' });
    await box.fill('Quiero hablar con una persona');
    await box.press('Enter');
    const log = panel.getByRole('log');
    // The bot hands off and says nobody is connected (the team is open, but nobody signed in).
    await expect.poll(textOf(log), T).toMatch(/no hay nadie del equipo conectado/i);
    await expect.poll(textOf(log), T).toContain('He pasado tu mensaje');
    const form = panel.getByRole('form', { name: /no hay nadie conectado/ });
    await form.waitFor(T);
    const everything = `${await log.innerText()}\n${await chrome(panel)()}`;
    expect(everything).not.toMatch(/en la cola/i);
    expect(everything).not.toMatch(/enseguida/i);
    expect(everything).not.toContain('Te paso con una persona');
    // One place asks for the email, the form: neither the bot's message nor the header repeats it.
    expect(await log.innerText()).not.toMatch(/email|correo/i);
    expect(await panel.locator('header').innerText()).not.toMatch(/email|correo/i);

    await form.getByLabel('Tu email').fill('elena@example.com');
    await form.getByRole('button', { name: 'Guardar' }).click();
    await expect.poll(textOf(panel.locator('.offline-note')), T).toContain('Te responderemos en elena@example.com');
    expect(await form.count()).toBe(0);
    await shopper.close();
  });

  it('does not ask a shopper the shop identified (verified) with an email for it again', async () => {
    await setBot(false);
    const shopper = await ctx.browser.newContext({ locale: 'es-ES' });
    const shop = await shopper.newPage();
    await shop.goto(`${ctx.server.origin}/demo/`);
    await Promise.all([shop.waitForEvent('load'), shop.getByLabel('Cuenta (demo)').selectOption('cus_john')]);
    await shop.getByRole('button', { name: /chat/i }).click();
    const panel = shop.frameLocator('iframe[title*="chat" i]');
    await expect.poll(textOf(panel.locator('.offline-note')), T).toContain('Te responderemos en john@example.com');
    expect(await panel.getByRole('form', { name: /no hay nadie conectado/ }).count()).toBe(0);
    await shopper.close();
  });

  it('says the same in English with the bot off: the message waits, one offline promise, no queue place; a person signing in turns it into a place in the queue', async () => {
    await setBot(false);
    const shopper = await ctx.browser.newContext({ locale: 'en-GB' });
    const shop = await shopper.newPage();
    // The server tells the panel its place in the queue; the panel decides what to show.
    const queueFrame = new Promise<void>((resolve) =>
      shop.on('websocket', (ws) => ws.on('framereceived', (f) => String(f.payload).includes('"type":"queue"') && resolve())),
    );
    // The demo shop in English: the widget speaks the page's language.
    await shop.route(`${ctx.server.origin}/demo/`, async (route) => {
      const res = await route.fetch();
      await route.fulfill({ response: res, body: (await res.text()).replace('<html lang="es"', '<html lang="en"') });
    });
    await shop.goto(`${ctx.server.origin}/demo/`);
    await shop.getByRole('button', { name: /chat/i }).click();
    const panel = shop.frameLocator('iframe[title*="chat" i]');
    const box = panel.getByRole('textbox', { name: 'Message' });
    await box.fill('Are you open on Sunday?');
    await box.press('Enter');
    const form = panel.getByRole('form', { name: /Nobody is online/ });
    await form.waitFor(T);
    await queueFrame;
    const offline = await chrome(panel)();
    expect(offline).not.toMatch(/in the queue/i);
    expect(offline).not.toMatch(/shortly/i);
    expect(offline).toContain('Nobody is online right now.');

    // Someone signs in: the shopper now waits in the queue, and the email form is gone.
    const agentContext = await ctx.browser.newContext({ locale: 'en-US' });
    const agent = await agentContext.newPage();
    await signInToConsole(agent, ctx.server.origin, 'luis@example.com');
    await expect.poll(textOf(panel.locator('header')), T).toContain('Luis');
    await expect.poll(textOf(panel.locator('.status')), T).toMatch(/You are number \d+ in the queue/);
    expect(await chrome(panel)()).not.toMatch(/Nobody is online|by email/);
    await agentContext.close();
    await shopper.close();
  });

});


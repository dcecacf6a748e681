import { describe, expect, it } from 'vitest';
import { hasChromium } from '../helpers/browser';
import { useServerAndBrowser, T, textOf, signInToConsole } from '../helpers/e2e';

const ctx = useServerAndBrowser({ bot: true });

describe.runIf(hasChromium)('the bot in the widget', () => {
  it('answers order status with a card once number and email match, and hands off to a person on request', async () => {
    const context = await ctx.browser.newContext({ locale: 'es-ES' });
    const shop = await context.newPage();
    await shop.goto(`${ctx.server.origin}/demo/`);
    await shop.getByRole('button', { name: /chat/i }).click();
    const panel = shop.frameLocator('iframe[title*="chat" i]');
    const box = panel.getByRole('textbox', { name: 'Mensaje' });
    await box.fill('¿Dónde está mi pedido?');
    await box.press('Enter');
    await expect.poll(() => panel.getByRole('log').locator('.msg.theirs').count(), T).toBeGreaterThanOrEqual(1);
    await box.fill('Es el pedido 1001 y mi email es maria@example.com');
    await box.press('Enter');
    const card = panel.getByRole('group', { name: 'Pedido #1001' });
    await expect.poll(() => card.count(), T).toBe(1);
    expect(await card.getByRole('link', { name: 'Seguir el paquete' }).getAttribute('href')).toContain('correosexpress.com');

    // Someone of the team is online (the promise of a person "enseguida" holds only then).
    const agentContext = await ctx.browser.newContext({ locale: 'en-US' });
    await signInToConsole(await agentContext.newPage(), ctx.server.origin);
    await expect.poll(textOf(panel.locator('header')), T).toContain('Ana');
    await box.fill('Quiero hablar con una persona');
    await box.press('Enter');
    await expect.poll(textOf(panel.getByRole('log')), T).toContain('Te paso con una persona');
    await agentContext.close();
    await context.close();
  });

  it('answers an English shopper on the Spanish demo page in English, and puts "no quiero hablar con una máquina" through to a person with one message', async () => {
    const context = await ctx.browser.newContext({ locale: 'en-US' });
    const shop = await context.newPage();
    await shop.goto(`${ctx.server.origin}/demo/`);
    expect(await shop.locator('html').getAttribute('lang')).toBe('es');
    await shop.getByRole('button', { name: /chat/i }).click();
    const panel = shop.frameLocator('iframe[title*="chat" i]');
    const log = panel.getByRole('log');
    const box = panel.getByRole('textbox', { name: /Mensaje|Message/ });
    await box.fill("where's my package??");
    await box.press('Enter');
    // The guest lookup, in English.
    await expect.poll(textOf(log), T).toContain('I can check that for you. Please send me your order number and the email you used to place the order.');

    // Someone of the team is online, so the hand-off may promise a person "enseguida" (with
    // nobody online it says so instead: tests/e2e/offline-state.test.ts).
    const agentContext = await ctx.browser.newContext({ locale: 'en-US' });
    await signInToConsole(await agentContext.newPage(), ctx.server.origin);
    await expect.poll(textOf(panel.locator('header')), T).toContain('Ana');
    await box.fill('no quiero hablar con una máquina');
    await box.press('Enter');
    await expect.poll(textOf(log), T).toContain('Te paso con una persona. Enseguida te atienden.');
    // One message for the hand-off, and the chat is with the people queue.
    expect((await textOf(log)()).split('Te paso con una persona').length - 1).toBe(1);
    const site = (await ctx.server.store.sites.byPublicKey('pk_demo'))!;
    const queue = await ctx.server.store.conversations.queue(site.id);
    expect(queue.map((q) => q.language)).toContain('es');
    await agentContext.close();
    await context.close();
  });
});

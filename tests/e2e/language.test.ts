/**
 * The shopper's language (issue 12 item 5): the site switching the widget to English makes the
 * bot answer in English, and a shopper whose browser speaks English on a Spanish page is shown to
 * agents as English from the start, before they write a word that says so.
 */
import { describe, expect, it } from 'vitest';
import { hasChromium } from '../helpers/browser';
import { useServerAndBrowser, T, textOf, signInToConsole } from '../helpers/e2e';

const ctx = useServerAndBrowser({ bot: true });

describe.runIf(hasChromium)('the shopper’s language', () => {
  it("after Mostrador('locale', 'en') the widget and the bot speak English, even to a message that says no language", async () => {
    const shopper = await ctx.browser.newContext({ locale: 'es-ES' });
    const shop = await shopper.newPage();
    await shop.goto(`${ctx.server.origin}/demo/`);
    await shop.getByRole('button', { name: /chat/i }).click();
    const panel = shop.frameLocator('iframe[title*="chat" i]');
    await panel.getByRole('textbox', { name: 'Mensaje' }).waitFor(T);
    await shop.evaluate(() => (window as unknown as { Mostrador(command: string, arg: unknown): void }).Mostrador('locale', 'en'));
    const box = panel.getByRole('textbox', { name: 'Message' });
    await box.fill('#1001');
    await box.press('Enter');
    await expect.poll(textOf(panel.getByRole('log')), T).toContain('Thanks. Now the email you used to place the order, please.');
    expect(await panel.getByRole('log').innerText()).not.toMatch(/Gracias|pedido/);
    await shopper.close();
  });

  it('shows agents a verified customer whose browser speaks English on the Spanish page as English, in both console languages', async () => {
    const shopper = await ctx.browser.newContext({ locale: 'en-US' });
    const shop = await shopper.newPage();
    await shop.goto(`${ctx.server.origin}/demo/`);
    expect(await shop.locator('html').getAttribute('lang')).toBe('es');
    // The shop signs John in and identifies him with its server-made hash (verified).
    await Promise.all([shop.waitForEvent('load'), shop.getByLabel('Cuenta (demo)').selectOption('cus_john')]);
    await shop.getByRole('button', { name: /chat/i }).click();
    const panel = shop.frameLocator('iframe[title*="chat" i]');
    // The widget follows the page (Spanish); a message that says no language.
    const box = panel.getByRole('textbox', { name: 'Mensaje' });
    await box.fill('👋');
    await box.press('Enter');
    await expect.poll(() => panel.getByRole('log').locator('.msg.mine').count(), T).toBe(1);

    const agentContext = await ctx.browser.newContext({ locale: 'en-US' });
    const agent = await agentContext.newPage();
    await signInToConsole(agent, ctx.server.origin);
    await agent.getByRole('navigation', { name: 'Conversations' }).getByRole('button', { name: /John/ }).click();
    const aside = agent.getByRole('complementary', { name: 'Customer' });
    await expect.poll(textOf(aside), T).toContain('Verified');
    await expect.poll(textOf(aside), T).toContain('Language: English');
    await agent.getByLabel('Language').selectOption('es');
    await expect.poll(textOf(agent.getByRole('complementary', { name: 'Cliente' })), T).toContain('Idioma: Inglés');
    expect(await agent.getByRole('complementary', { name: 'Cliente' }).innerText()).not.toContain('Español');
    await agentContext.close();
    await shopper.close();
  });
});

/** The inbox: search by order number, and the queue's order and places. */
import { describe, expect, it } from 'vitest';
import { hasChromium } from '../helpers/browser';
import { T, textOf, signInToConsole, useServerAndBrowser } from '../helpers/e2e';

const ctx = useServerAndBrowser();

describe.runIf(hasChromium)('the inbox', () => {
  it('finds a verified customer’s chat by order number, shows each waiting chat’s place in the queue, and lists a shopper who only browses', async () => {
    const shopperContext = await ctx.browser.newContext({ locale: 'es-ES', timezoneId: 'Atlantic/Canary' });
    const maria = await shopperContext.newPage();
    await maria.goto(`${ctx.server.origin}/demo/`);
    // "Cuenta (demo)": the shop signs María in and identifies her with its server-made hash.
    await maria.getByLabel('Cuenta (demo)').selectOption('cus_maria');
    await maria.waitForLoadState('load');
    await maria.getByRole('button', { name: 'Abrir chat' }).click();
    const panel = maria.frameLocator('iframe[title*="chat" i]');
    await panel.getByRole('textbox', { name: 'Mensaje' }).fill('Hola, una pregunta');
    await panel.getByRole('textbox', { name: 'Mensaje' }).press('Enter');

    const guestContext = await ctx.browser.newContext({ locale: 'es-ES' });
    const guest = await guestContext.newPage();
    await guest.goto(`${ctx.server.origin}/demo/`);
    await guest.getByRole('button', { name: 'Abrir chat' }).click();
    const guestPanel = guest.frameLocator('iframe[title*="chat" i]');
    await guestPanel.getByRole('textbox', { name: 'Mensaje' }).fill('Soy un invitado');
    await guestPanel.getByRole('textbox', { name: 'Mensaje' }).press('Enter');

    const agentContext = await ctx.browser.newContext({ locale: 'en-US' });
    const agent = await agentContext.newPage();
    await signInToConsole(agent, ctx.server.origin);
    const list = agent.getByRole('navigation', { name: 'Conversations' });
    await expect.poll(textOf(list), T).toContain('#2 in the queue');
    // María wrote first: she has waited longest; the queue view lists her first.
    await agent.getByRole('button', { name: /^Queue/ }).click();
    const items = list.getByRole('listitem');
    await expect.poll(() => items.count(), T).toBe(2);
    expect(await items.nth(0).innerText()).toMatch(/María[\s\S]*#1 in the queue/);
    expect(await items.nth(1).innerText()).toMatch(/Soy un invitado[\s\S]*#2 in the queue/);

    const search = agent.getByRole('searchbox', { name: 'Search by name, email or order number' });
    await search.fill('#1001');
    await expect.poll(textOf(list), T).toContain('María');
    expect(await list.innerText()).not.toContain('Soy un invitado');
    // Beside her chat: her local time, from her browser's time zone.
    await list.getByRole('button', { name: /María/ }).click();
    await expect.poll(textOf(agent.getByRole('complementary', { name: 'Customer' })), T).toContain('(Atlantic/Canary)');
    expect(await agent.getByRole('complementary', { name: 'Customer' }).innerText()).toContain('Local time');
    await search.fill('9999');
    await expect.poll(textOf(list), T).toContain('No conversations match.');

    // A shopper who only browses (never opens the chat) is on the live visitors list, with the page.
    const browserContext = await ctx.browser.newContext({ locale: 'es-ES' });
    const browsing = await browserContext.newPage();
    await browsing.goto(`${ctx.server.origin}/demo/pedidos.html`);
    await agent.getByRole('button', { name: /Live visitors/ }).click();
    const visitors = agent.getByRole('region', { name: 'Live visitors' });
    // The page's title, linked to its address.
    await expect.poll(() => visitors.locator('a[href$="/demo/pedidos.html"]').count(), { timeout: 15_000 }).toBe(1);
    await browserContext.close();
    await shopperContext.close();
    await guestContext.close();
    await agentContext.close();
  });
});

import { describe, expect, it } from 'vitest';
import { hasChromium } from '../helpers/browser';
import { useServerAndBrowser, T, textOf, signInToConsole } from '../helpers/e2e';

const ctx = useServerAndBrowser();

describe.runIf(hasChromium)('live visitors', () => {
  it('offers to open the chat a visitor already has instead of starting another, and calls a customer with orders a customer, not "New"', async () => {
    // María, signed in to the shop (verified), is chatting.
    const maria = await ctx.browser.newContext({ locale: 'es-ES' });
    await maria.addInitScript(() => localStorage.setItem('demo-account', 'cus_maria'));
    const mariaShop = await maria.newPage();
    await mariaShop.goto(`${ctx.server.origin}/demo/`);
    await mariaShop.getByRole('button', { name: /chat/i }).click();
    const panel = mariaShop.frameLocator('iframe[title*="chat" i]');
    await panel.getByRole('textbox', { name: 'Mensaje' }).fill('Hola, una duda con mi pedido');
    await panel.getByRole('button', { name: 'Enviar' }).click();
    await expect.poll(textOf(panel.getByRole('log')), T).toContain('Hola, una duda con mi pedido');

    // A first-time visitor browses with something in the cart, no chat.
    const guest = await ctx.browser.newContext({ locale: 'es-ES' });
    const guestShop = await guest.newPage();
    await guestShop.goto(`${ctx.server.origin}/demo/`);
    await guestShop.getByRole('button', { name: 'Añadir al carrito' }).first().click();
    await guestShop.getByRole('button', { name: /Abrir chat/ }).click();
    await guestShop.frameLocator('iframe[title*="chat" i]').getByRole('textbox', { name: 'Mensaje' }).waitFor();

    const agentContext = await ctx.browser.newContext({ locale: 'en-US' });
    const agent = await agentContext.newPage();
    await signInToConsole(agent, ctx.server.origin);
    await agent.getByRole('button', { name: /^Live visitors/ }).click();
    const table = agent.getByRole('table');
    const mariaRow = table.getByRole('row').filter({ hasText: 'María García' });
    await expect.poll(textOf(mariaRow), T).toMatch(/Customer · \d+ orders?/);
    const orders = (await ctx.server.store.orders.forCustomer(
      (await ctx.server.store.sites.byPublicKey('pk_demo'))!.id,
      (await ctx.server.store.customers.byExternalId((await ctx.server.store.sites.byPublicKey('pk_demo'))!.id, 'cus_maria'))!.id,
      100,
    )).length;
    expect(await mariaRow.innerText()).toContain(`Customer · ${orders} order${orders === 1 ? '' : 's'}`);
    expect(await mariaRow.innerText()).not.toMatch(/\bNew\b/);
    expect(await mariaRow.getByRole('button', { name: /Start chat/ }).count()).toBe(0);

    const guestRow = table.getByRole('row').filter({ hasText: '€' });
    await expect.poll(() => guestRow.count(), T).toBe(1);
    expect(await guestRow.innerText()).toContain('New');
    expect(await guestRow.getByRole('button', { name: /Start chat/ }).count()).toBe(1);
    expect(await guestRow.getByRole('button', { name: /Open chat/ }).count()).toBe(0);

    // "Open chat" lands in María's existing conversation: no second chat is started.
    await mariaRow.getByRole('button', { name: 'Open chat · María García' }).click();
    await expect.poll(textOf(agent.getByRole('log')), T).toContain('Hola, una duda con mi pedido');
    expect(await agent.locator('#conversation-title').innerText()).toContain('María García');
    const site = (await ctx.server.store.sites.byPublicKey('pk_demo'))!;
    const mariaVisitor = (await ctx.server.store.conversations.listForSite(site.id, { limit: 50 })).filter((c) => c.visitorName === 'María García');
    expect(mariaVisitor).toHaveLength(1);

    for (const c of [maria, guest, agentContext]) await c.close();
  });
});

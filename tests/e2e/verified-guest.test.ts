import { describe, expect, it } from 'vitest';
import { hasChromium } from '../helpers/browser';
import { useServerAndBrowser, T, textOf, signInToConsole } from '../helpers/e2e';

const ctx = useServerAndBrowser({ bot: true });

describe.runIf(hasChromium)('a guest the bot verified by order number and email, in the Spanish console', () => {
  it('is that order’s customer to the agent: name, email, orders, search by number, filled canned responses, the bot’s card and packet in Spanish', async () => {
    // Ana is online, in Spanish.
    const agentContext = await ctx.browser.newContext({ locale: 'en-US' });
    const agent = await agentContext.newPage();
    await signInToConsole(agent, ctx.server.origin);
    await agent.getByLabel('Language').selectOption('es');
    await agent.getByRole('navigation', { name: 'Conversaciones' }).waitFor(T);

    // A guest (not signed in to the shop) proves order 1001 to the bot, then asks for a person.
    const shopper = await ctx.browser.newContext({ locale: 'es-ES' });
    const shop = await shopper.newPage();
    await shop.goto(`${ctx.server.origin}/demo/`);
    await shop.getByRole('button', { name: /chat/i }).click();
    const panel = shop.frameLocator('iframe[title*="chat" i]');
    const box = panel.getByRole('textbox', { name: 'Mensaje' });
    await box.fill('¿Dónde está mi pedido?');
    await box.press('Enter');
    await expect.poll(textOf(panel.getByRole('log')), T).toContain('Envíame el número de pedido');
    await box.fill('Es el pedido 1001 y mi email es maria@example.com');
    await box.press('Enter');
    await panel.getByRole('group', { name: 'Pedido #1001' }).waitFor(T);
    await box.fill('Quiero hablar con una persona');
    await box.press('Enter');
    await expect.poll(textOf(panel.getByRole('log')), T).toContain('Te paso con una persona');

    // The list names her and finds the chat by the order number.
    const list = agent.getByRole('navigation', { name: 'Conversaciones' });
    await agent.locator('#conversation-search').fill('1001');
    const row = list.getByRole('button', { name: /María García/ });
    await expect.poll(() => row.count(), T).toBe(1);
    await row.click();

    const aside = agent.getByRole('complementary', { name: 'Cliente' });
    await expect.poll(textOf(aside), T).toContain('Verificado con el pedido #1001');
    const who = await aside.innerText();
    expect(who).toContain('María García');
    expect(who).toContain('maria@example.com');
    expect(who).not.toContain('Visitante anónimo');
    // Her orders beside the chat, the proved one first, with the payment in words.
    const order = aside.getByRole('article', { name: 'Pedido 1001' });
    expect(await order.innerText()).toContain('Pago: pagado');
    expect(await aside.getByRole('article').count()).toBeGreaterThan(1);
    // The bot's packet, all in Spanish, with the order by its number.
    const packet = await aside.getByRole('region', { name: 'Traspaso del bot' }).innerText();
    expect(packet).toContain('Pedido: #1001');
    expect(packet).toContain('Quería: estado del pedido');
    expect(packet).toContain('El bot intentó: estado del pedido → pidió el número de pedido y el email; estado del pedido → verificó el pedido');
    expect(`${who}\n${packet}`).not.toMatch(/ord_1001|order status|asked for details|lookup matched|: paid/);

    // The transcript shows the bot's order card as a card, with its tracking link.
    const log = agent.getByRole('log', { name: 'Mensajes' });
    const card = log.getByRole('group', { name: 'Pedido #1001' });
    await expect.poll(() => card.count(), T).toBe(1);
    expect(await card.innerText()).toContain('Enviado');
    expect(await card.getByRole('link', { name: 'Seguir paquete' }).getAttribute('href')).toContain('correosexpress.com');
    // Its items read as lines of text, not one word per line (the sidebar's thumbnail grid).
    const item = card.getByRole('listitem').filter({ hasText: 'Taza de cerámica artesanal' });
    expect(await item.innerText()).toBe('1 × Taza de cerámica artesanal');
    const lineHeight = await item.evaluate((li) => parseFloat(getComputedStyle(li).lineHeight) || 20);
    expect((await item.boundingBox())!.height).toBeLessThan(lineHeight * 1.5);

    // Canned responses fill her name and the order.
    const reply = agent.getByRole('combobox', { name: 'Responder' });
    await reply.pressSequentially('/hola');
    await reply.press('Enter');
    expect(await reply.inputValue()).toBe('¡Hola María! Soy Ana, ¿en qué te ayudo?');
    await reply.fill('');
    await reply.pressSequentially('/segu');
    await reply.press('Enter');
    expect(await reply.inputValue()).toContain('Tu pedido 1001 está enviado');

    await shopper.close();
    await agentContext.close();
  });
});

import { describe, expect, it } from 'vitest';
import { hasChromium } from '../helpers/browser';
import { useServerAndBrowser, T, textOf, signInToConsole } from '../helpers/e2e';

const ctx = useServerAndBrowser();

describe.runIf(hasChromium)('customer context beside the chat', () => {
  it("shows a verified customer's orders, items and tracking link to the agent", async () => {
    const shopper = await ctx.browser.newContext({ locale: 'es-ES' });
    const shop = await shopper.newPage();
    await shop.goto(`${ctx.server.origin}/demo/`);
    // The demo's account switcher plays the shop's login: it identifies María with a server-made hash.
    await Promise.all([shop.waitForEvent('load'), shop.getByLabel('Cuenta (demo)').selectOption('cus_maria')]);
    await shop.getByRole('button', { name: /chat/i }).click();
    const panel = shop.frameLocator('iframe[title*="chat" i]');
    await panel.getByRole('textbox', { name: 'Mensaje' }).fill('¿Cuándo llega mi pedido?');
    await panel.getByRole('button', { name: 'Enviar' }).click();
    await expect.poll(textOf(panel.getByRole('log')), T).toContain('¿Cuándo llega mi pedido?');

    const agentContext = await ctx.browser.newContext({ locale: 'en-US' });
    const agent = await agentContext.newPage();
    await signInToConsole(agent, ctx.server.origin);
    await agent.getByRole('button', { name: /María García/ }).click();
    const aside = agent.getByRole('complementary', { name: 'Customer' });
    await expect.poll(textOf(aside), T).toContain('Verified');
    const text = await aside.innerText();
    expect(text).toContain('María García');
    expect(text).toContain('maria@example.com');
    const order = aside.getByRole('article', { name: 'Order 1001' });
    const orderText = await order.innerText();
    expect(orderText).toContain('Shipped');
    expect(orderText).toContain('2 × Café de Etiopía Yirgacheffe 250 g');
    expect(orderText).toContain('1 × Taza de cerámica artesanal');
    expect(orderText).toContain('€64.50');
    const track = order.getByRole('link', { name: 'Track package' });
    expect(await track.getAttribute('href')).toBe('https://s.correosexpress.com/SeguimientoSinCP/search?shippingNumber=CE123456789ES');
    expect(await track.getAttribute('rel')).toContain('noopener');

    // The agent sends the order to the chat; the shopper sees it as a card with tracking.
    await order.getByRole('button', { name: 'Send to chat' }).click();
    const shopperCard = panel.getByRole('group', { name: 'Pedido #1001' });
    await expect.poll(() => shopperCard.count(), T).toBe(1);
    expect(await shopperCard.innerText()).toContain('Enviado');
    expect(await shopperCard.getByRole('link', { name: 'Seguir el paquete' }).getAttribute('href')).toContain('correosexpress.com');
    await shopper.close();
    await agentContext.close();
  });
});
